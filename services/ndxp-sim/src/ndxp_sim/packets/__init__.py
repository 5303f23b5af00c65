"""Packet intake: verify, validate, deduplicate, store, follow each agency's hash chain."""
