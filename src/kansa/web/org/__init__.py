"""Institutions, people and their roles; the one scoping helper."""
