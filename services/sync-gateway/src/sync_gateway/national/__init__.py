"""The national wire format, versioned, behind one adapter per version (issue 19 item 3; docs/ndxp.md,
docs/national-format.md)."""
