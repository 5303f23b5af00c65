"""Signed exports that stand as originals: a record as PDF (PAdES) or JSON (detached JWS), signed
with the province's certificate on behalf of the person who asked, and the check of such a file."""
