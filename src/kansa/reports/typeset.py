"""PDF typeset by Typst (the `typst` wheel: a Rust typesetter, ~0.1 s a report) with the IPAex fonts passed in.

A report is a Typst template (a .typ file beside its package's code) and a JSON-able dict of data, handed to
the template as `sys.inputs.data` (read with `json(bytes(sys.inputs.data))`): the template lays out, Python
decides what is said. System fonts are never scanned: the only fonts are IPAexGothic and IPAexMincho from
Debian's fonts-ipaexfont (plus the fonts built into Typst, e.g. DejaVu Sans Mono for identifiers), so a PDF
looks the same on every machine.
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from kansa.messages import OutputError

# Debian's fonts-ipaexfont (opentype/) and its alternatives links (truetype/fonts-japanese-*.ttf).
IPAEX_FONTS: dict[str, tuple[str, ...]] = {
    "IPAexGothic": ("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
                    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf"),
    "IPAexMincho": ("/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf",
                    "/usr/share/fonts/truetype/fonts-japanese-mincho.ttf"),
}


@cache
def ipaex_fonts() -> tuple[str, ...]:
    """The font files handed to Typst: the first IPAex Gothic and Mincho found, or an OutputError naming them."""
    found = []
    for font, paths in IPAEX_FONTS.items():
        path = next((p for p in paths if Path(p).is_file()), None)
        if path is None:
            raise OutputError("report_fonts_missing", font=font, paths=", ".join(paths))
        found.append(path)
    return tuple(found)


@cache
def font_folders() -> tuple[str, ...]:
    """Folders holding exactly the IPAex files (Typst reads folders, not single files).

    Debian keeps each IPAex font alone in its folder, and those folders are used as they are; any other layout
    gets a private folder of links, removed when the process ends.
    """
    files = [Path(p) for p in ipaex_fonts()]
    if all([entry.name for entry in font.parent.iterdir()] == [font.name] for font in files):
        return tuple(str(f.parent) for f in files)
    folder = tempfile.mkdtemp(prefix="kansa-fonts-")
    atexit.register(shutil.rmtree, folder, True)
    for f in files:
        Path(folder, f.name).symlink_to(f)
    return (folder,)


@cache
def typst_fonts() -> Any:
    """Typst's font book, built once a process: the IPAex files plus Typst's own (no system fonts)."""
    import typst  # imported here: only runs that write a PDF pay for loading it

    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=list(font_folders()))


def template_text(package: str, name: str) -> str:
    """A Typst template shipped in `package`'s templates/ folder."""
    return resources.files(package).joinpath("templates", name).read_text(encoding="utf-8")


def typeset_pdf(template: str, data: Mapping[str, Any], path: Path) -> Path:
    """Compile `template` with `data` (as sys.inputs.data, JSON) to a PDF at `path`."""
    import typst

    pdf = typst.compile(template.encode("utf-8"), font_paths=typst_fonts(), ignore_system_fonts=True, format="pdf",
                        sys_inputs={"data": json.dumps(data, ensure_ascii=False, default=str)})
    if not isinstance(pdf, bytes):  # one PDF from bytes input; pages lists come only for images
        raise TypeError(f"typst returned {type(pdf).__name__}, not PDF bytes")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pdf)
    return path
