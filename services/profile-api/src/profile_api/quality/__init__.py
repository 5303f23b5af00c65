"""Data-quality reports (Đúng – Đủ – Sạch – Sống): one record's findings, per-unit scorecards, daily
snapshots for trends, and the Prometheus gauges read from them. The rules themselves live in
`hoso_shared.validation`; this feature gathers what they judge and what they may know."""
