"""Report building blocks: HTML (Jinja2) to PDF (WeasyPrint), Excel (XlsxWriter), charts (matplotlib)."""
