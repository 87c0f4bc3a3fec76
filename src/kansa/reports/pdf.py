"""HTML to PDF with WeasyPrint, using the IPAex fonts from Debian's fonts-ipaexfont."""

from __future__ import annotations

import logging
from pathlib import Path

# WeasyPrint and fontTools log every font subset at INFO/WARNING; reports should be quiet.
for _name in ("weasyprint", "fontTools", "fontTools.subset", "fontTools.ttLib"):
    logging.getLogger(_name).setLevel(logging.ERROR)


def write_pdf(html: str, path: Path, base_url: str | None = None) -> Path:
    """Render an HTML string to a PDF file (A4; fonts and page rules come from the HTML's CSS)."""
    from weasyprint import HTML  # imported here: it loads Pango, which batch runs without PDFs skip

    path.parent.mkdir(parents=True, exist_ok=True)
    HTML(string=html, base_url=base_url or str(path.parent)).write_pdf(str(path))
    return path
