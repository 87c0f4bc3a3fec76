"""Cybersecurity: audit analytics over registers and logs, and the self-assessment with peer benchmark."""
