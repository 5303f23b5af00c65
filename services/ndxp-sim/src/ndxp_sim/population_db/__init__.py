"""The national population database (CSDLQG về dân cư): a seeded register and its identity check."""
