"""Receipts: decided when a packet is stored, signed, and posted back to the gateway with retries."""
