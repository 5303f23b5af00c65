"""Admin routes for development and tests: faults, stats, stored packets, reset, seeding."""
