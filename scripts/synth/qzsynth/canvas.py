"""A page-drawing surface that records where every string went.

Coordinates are PDF points with the origin at the top-left and y growing downwards, as in the
engine's page coordinates. A text box spans the font's ascent to its descent (widened to the ink where a
font declares too little, see fonts.extents) and the string's advance width, which is close to how
poppler (pdftotext -bbox) reports words.
"""
import io

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from . import fonts


def box(x0, y0, x1, y1):
    return {"x": round(x0, 2), "y": round(y0, 2), "width": round(x1 - x0, 2), "height": round(y1 - y0, 2)}


class Span:
    """A drawn string; `part` gives the box of a substring (no kerning, so advances add up)."""

    def __init__(self, record, x0, baseline, font_name, size, ascent, descent):
        self.record, self.x0, self.baseline = record, x0, baseline
        self._font, self._size, self._ascent, self._descent = font_name, size, ascent, descent

    @property
    def text(self):
        return self.record["text"]

    @property
    def box(self):
        return self.record["box"]

    @property
    def page(self):
        return self.record["page"]

    def part(self, sub):
        start = self.text.rindex(sub)
        x0 = self.x0 + stringWidth(self.text[:start], self._font, self._size)
        x1 = x0 + stringWidth(sub, self._font, self._size)
        return box(x0, self.baseline - self._ascent, x1, self.baseline + self._descent)

    @property
    def right(self):
        return self.box["x"] + self.box["width"]


class Surface:
    def __init__(self, width, height):
        self.width, self.height = width, height
        self._buffer = io.BytesIO()
        # invariant=1: no creation date or random document id, so the same seed gives the same bytes.
        self._canvas = Canvas(self._buffer, pagesize=(width, height), invariant=1, pageCompression=1)
        self.page = 1
        self.lines = []

    def text(self, x, baseline, s, family, size, style="regular", align="left", color=(0, 0, 0)):
        if not fonts.covers(family, s, style):
            raise ValueError(f"{family} {style} lacks a glyph in {s!r}")
        face = fonts.font(family, style)
        width = stringWidth(s, face.fontName, size)
        x0 = {"left": x, "right": x - width, "center": x - width / 2}[align]
        ascent, descent = (v * size / 1000 for v in fonts.extents(family, style))
        c = self._canvas
        c.setFont(face.fontName, size)
        c.setFillColorRGB(*color)
        c.drawString(x0, self.height - baseline, s)
        record = {"page": self.page, "text": s, "box": box(x0, baseline - ascent, x0 + width, baseline + descent),
                  "font": f"{family} {style}", "size": round(size, 2)}
        self.lines.append(record)
        return Span(record, x0, baseline, face.fontName, size, ascent, descent)

    def collides(self):
        """Whether two strings on a page overprint each other (beyond touching line boxes)."""
        for i, a in enumerate(self.lines):
            A = a["box"]
            for b in self.lines[i + 1:]:
                B = b["box"]
                dx = min(A["x"] + A["width"], B["x"] + B["width"]) - max(A["x"], B["x"])
                dy = min(A["y"] + A["height"], B["y"] + B["height"]) - max(A["y"], B["y"])
                if a["page"] == b["page"] and dx > 0.5 and dy > 0.25 * min(A["height"], B["height"]):
                    return True
        return False

    def width_of(self, s, family, size, style="regular"):
        return stringWidth(s, fonts.font(family, style).fontName, size)

    def rect(self, x, y, w, h, fill=None, stroke=(0, 0, 0), line_width=0.6):
        c = self._canvas
        c.setLineWidth(line_width)
        if fill:
            c.setFillColorRGB(*fill)
        if stroke:
            c.setStrokeColorRGB(*stroke)
        c.rect(x, self.height - y - h, w, h, stroke=1 if stroke else 0, fill=1 if fill else 0)

    def line(self, x0, y0, x1, y1, color=(0, 0, 0), width=0.6):
        c = self._canvas
        c.setStrokeColorRGB(*color)
        c.setLineWidth(width)
        c.line(x0, self.height - y0, x1, self.height - y1)

    def circle(self, cx, cy, r, fill):
        self._canvas.setFillColorRGB(*fill)
        self._canvas.circle(cx, self.height - cy, r, stroke=0, fill=1)

    def polygon(self, points, fill):
        path = self._canvas.beginPath()
        path.moveTo(points[0][0], self.height - points[0][1])
        for x, y in points[1:]:
            path.lineTo(x, self.height - y)
        path.close()
        self._canvas.setFillColorRGB(*fill)
        self._canvas.drawPath(path, stroke=0, fill=1)

    def scribble(self, x, y, w, rng):
        """A signature: a few joined Bézier strokes."""
        c = self._canvas
        c.setStrokeColorRGB(0.1, 0.1, 0.35)
        c.setLineWidth(0.9)
        path = c.beginPath()
        px, py = x, y
        path.moveTo(px, self.height - py)
        for i in range(5):
            nx = x + w * (i + 1) / 5
            path.curveTo(px + rng.uniform(0, 12), self.height - py - rng.uniform(-12, 12),
                         nx - rng.uniform(0, 12), self.height - y - rng.uniform(-12, 12), nx, self.height - y)
            px, py = nx, y
        c.drawPath(path, stroke=1, fill=0)

    def new_page(self):
        self._canvas.showPage()
        self.page += 1

    def pdf(self):
        self._canvas.showPage()
        self._canvas.save()
        return self._buffer.getvalue()
