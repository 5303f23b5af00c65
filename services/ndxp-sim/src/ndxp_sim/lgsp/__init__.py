"""LGSP mode: the simulator as a province's LGSP in front of NDXP (docs/ndxp.md "LGSP mode")."""
