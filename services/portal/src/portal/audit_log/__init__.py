"""Nhật ký truy cập (issue 21 item 3): the audit log as an auditor reads it (Điều 19 khoản 6, Điều 21 khoản 5)."""
