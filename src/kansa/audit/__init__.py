"""The third line's own work: audit universe, risk-based plan, engagements, findings, follow-up."""
