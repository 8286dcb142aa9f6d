"""The TrueType fonts that documents are set in, from Debian's font packages (see scripts/setup).

reportlab embeds TrueType outlines only, so the OpenType-CFF and Type 1 fonts (URW base35) are not used.
"""
from pathlib import Path

from PIL import ImageFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

_DIRS = {"dejavu": "/usr/share/fonts/truetype/dejavu", "liberation": "/usr/share/fonts/truetype/liberation2",
         "free": "/usr/share/fonts/truetype/freefont", "crosextra": "/usr/share/fonts/truetype/crosextra"}

# family → (directory, regular, bold, italic); the Debian package that ships it is in the comment.
FAMILIES = {
    "DejaVu Sans": ("dejavu", "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"),        # fonts-dejavu-core
    "DejaVu Serif": ("dejavu", "DejaVuSerif", "DejaVuSerif-Bold", "DejaVuSerif-Italic"),     # core + extra
    "DejaVu Sans Condensed": ("dejavu", "DejaVuSansCondensed", "DejaVuSansCondensed-Bold",
                              "DejaVuSansCondensed-Oblique"),                                # fonts-dejavu-extra
    "DejaVu Sans Mono": ("dejavu", "DejaVuSansMono", "DejaVuSansMono-Bold", "DejaVuSansMono-Oblique"),
    "Liberation Sans": ("liberation", "LiberationSans-Regular", "LiberationSans-Bold",
                        "LiberationSans-Italic"),                                            # fonts-liberation2
    "Liberation Serif": ("liberation", "LiberationSerif-Regular", "LiberationSerif-Bold",
                         "LiberationSerif-Italic"),
    "Liberation Mono": ("liberation", "LiberationMono-Regular", "LiberationMono-Bold", "LiberationMono-Italic"),
    "FreeSans": ("free", "FreeSans", "FreeSansBold", "FreeSansOblique"),                     # fonts-freefont-ttf
    "FreeSerif": ("free", "FreeSerif", "FreeSerifBold", "FreeSerifItalic"),
    "FreeMono": ("free", "FreeMono", "FreeMonoBold", "FreeMonoOblique"),
    "Carlito": ("crosextra", "Carlito-Regular", "Carlito-Bold", "Carlito-Italic"),          # fonts-crosextra-carlito
    "Caladea": ("crosextra", "Caladea-Regular", "Caladea-Bold", "Caladea-Italic"),          # fonts-crosextra-caladea
}
BODY = ("DejaVu Sans", "DejaVu Serif", "Liberation Sans", "Liberation Serif", "FreeSans", "FreeSerif",
        "Carlito", "Caladea", "DejaVu Sans Condensed")
SMALL = ("DejaVu Sans Condensed", "Liberation Sans", "FreeSans", "Carlito", "DejaVu Sans", "Liberation Serif")
TYPED = ("Liberation Mono", "DejaVu Sans Mono", "FreeMono")
STYLES = ("regular", "bold", "italic")


class FontMissing(Exception):
    pass


_loaded = {}


def _path(family, style):
    directory, *names = FAMILIES[family]
    return names[STYLES.index(style)], Path(_DIRS[directory]) / f"{names[STYLES.index(style)]}.ttf"


def font(family, style="regular"):
    """The registered reportlab font for a family and style (parsed once per process, when first used)."""
    key = (family, style)
    if key not in _loaded:
        name, path = _path(family, style)
        face = TTFont(name, str(path))
        pdfmetrics.registerFont(face)
        _loaded[key] = face
    return _loaded[key]


_extents = {}


def extents(family, style="regular"):
    """(ascent, descent) per 1000 units of size, both positive: the font's declared metrics, widened to
    the ink of its ascenders and descenders where a font declares less (Liberation Mono and Serif do),
    so that a text box always holds the text."""
    key = (family, style)
    if key not in _extents:
        face = font(family, style).face
        ink = ImageFont.truetype(str(_path(family, style)[1]), 1000)
        above = -ink.getbbox("Hdlbfkh", anchor="ls")[1]
        below = ink.getbbox("gjpqy", anchor="ls")[3]
        _extents[key] = (max(face.ascent, above), max(-face.descent, below))
    return _extents[key]


def covers(family, text, style="regular"):
    glyphs = font(family, style).face.charToGlyph
    return all(ord(c) in glyphs for c in text if c not in " \n")


def check_installed():
    """Fail early with the package hint rather than halfway through a run."""
    missing = [str(path) for family in FAMILIES for style in STYLES
               if not (path := _path(family, style)[1]).is_file()]
    if missing:
        raise FontMissing(f"missing {', '.join(missing)}: run scripts/setup (Debian font packages)")
