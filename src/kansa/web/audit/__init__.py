"""The third line's audit book on the web: universe, explained risk, approved plan, engagements, findings."""
