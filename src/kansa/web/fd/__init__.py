"""見える化 in the web app: firms' policies read against the principles, the say-do gap, the supervisor's comparison."""
