"""Rule engine: rule specs, their loader and linter, portable macros, DuckDB and Spark engines."""
