"""Injected faults: latency, errors, hangs, dropped connections, duplicate and late receipts, rejections."""
