"""Graded access (issue 21 items 1–2): the level a caller reads a record at, and grants with a written basis."""
