"""Scans in the browser (first part: safe unpacking of an uploaded data folder)."""
