"""The Đúng – Đủ – Sạch – Sống rule engine (pure: no I/O, no web or database imports)."""
