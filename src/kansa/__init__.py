"""kansa (監査): internal-audit analytics for Japanese financial institutions and their supervisors."""

__version__ = "0.1.0"
