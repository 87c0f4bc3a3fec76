"""Cybersecurity self-assessment: frameworks as data, answers, scoring, peer benchmark, feedback."""
