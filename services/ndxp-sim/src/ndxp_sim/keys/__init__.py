"""Keys: the simulator's own (it signs receipts) and the gateway's (it verifies packets)."""
