"""Log parsers that turn Windows Security and Linux auth logs into the access_events table."""
