"""Synthetic institutions in the contract, with planted cases and their answer key."""
