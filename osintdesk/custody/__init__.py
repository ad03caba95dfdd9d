"""Custody anchored outside the case file: examiner keys (minisign format), signed checkpoints
of the audit chain's head, and receipts that can be kept apart from the case. No Qt."""
