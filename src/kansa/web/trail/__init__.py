"""The tamper-evident trail: an append-only, hash-chained event log."""
