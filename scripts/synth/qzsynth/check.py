"""`make-synthetic --check`: the generator checks its own ground truth against things it did not write.

- Determinism: two runs with the same options give the same bytes.
- PDF text: for every field and small-print line, the words that pdftotext -bbox finds inside the
  stated box (in points) spell the stated value, and the small-print value appears nowhere else.
- Normalisation: dates and amounts are re-read from the printed text by independent parsers.
- Ink boxes: each field is drawn alone, rasterised by poppler and, for a scan, moved by the scan's
  transform (without noise); its ink must lie inside the stated box and fill most of it.
- Files: the written image opens, with the stated page count, size and resolution.
"""
import datetime as dt
import html
import json
import re
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import numpy as np
from PIL import Image, ImageSequence

from . import document, fonts, scan
from .canvas import Surface

# (kind, format) of the documents checked: every layout, kind and format appears.
CASES = [("invoice", "pdf", "classic"), ("invoice", "pdf", "banner"), ("invoice", "pdf", "letter"),
         ("form", "pdf", None), ("invoice", "png", "classic"), ("invoice", "jpeg", "banner"),
         ("invoice", "tiff", "letter"), ("invoice", "fax", "classic"), ("form", "jpeg", None),
         ("form", "fax", None), ("invoice", "fax", "banner"), ("form", "tiff", None), ("receipt", "pdf", None),
         ("receipt", "jpeg", None), ("receipt", "png", None), ("receipt", "pdf", None)]
SEED = 20240305
TOLERANCE_PT = 1.0


class Report:
    def __init__(self):
        self.passed, self.failed = 0, 0

    def expect(self, ok, what, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {what}: {detail}")


# ---------------------------------------------------------------------------------------------
# Independent readers of printed values

MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
                                           "oct", "nov", "dec"))}
CURRENCY_TOKENS = {"$": {"USD", "CAD", "AUD"}, "€": {"EUR"}, "£": {"GBP"}, "¥": {"JPY", "CNY"}, "₹": {"INR"},
                   "Rs.": {"INR"}, "kr": {"SEK", "NOK", "DKK"}, "CA$": {"CAD"}, "A$": {"AUD"}}


def date_readings(text):
    """Every calendar date a reader could take `text` for (dotted dates are day-first everywhere)."""
    def valid(y, m, d):
        y = int(y) + 2000 if len(str(y)) == 2 else y            # receipts print two-digit years
        try:
            return {dt.date(int(y), int(m), int(d)).isoformat()}
        except ValueError:
            return set()
    n = re.fullmatch(r"(\d{1,4})([/.\-])(\d{1,2})\2(\d{1,4})", text)
    if n:
        a, sep, b, c = n.groups()
        if len(a) == 4:
            return valid(a, b, c)
        return valid(c, b, a) | (set() if sep == "." else valid(c, a, b))
    t = re.fullmatch(r"(\d{1,2})[ \-]([A-Za-z]+)[ \-](\d{4}|\d{2})", text) or None
    if t:
        return valid(t[3], MONTHS.get(t[2][:3].lower(), 0), t[1])
    t = re.fullmatch(r"([A-Za-z]+) (\d{1,2}), (\d{4})", text)
    if t:
        return valid(t[3], MONTHS.get(t[1][:3].lower(), 0), t[2])
    return set()


def amount_reading(text):
    """The plain decimal of a printed amount: a final separator followed by two digits is the decimal."""
    digits = re.sub(r"[^0-9.,' ]", "", text).strip()
    m = re.fullmatch(r"(.*?)([.,])(\d{2})", digits)
    whole, frac = (m[1], m[3]) if m else (digits, "")
    whole = re.sub(r"[.,' ]", "", whole)
    return Decimal(f"{whole}.{frac}" if frac else whole)


# ---------------------------------------------------------------------------------------------
# PDF text

def pdf_words(pdf_path):
    """pdftotext -bbox: per page, (text, x0, y0, x1, y1) in points, y downwards."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf_path), "-"], check=True, capture_output=True, text=True).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        pages.append([(html.unescape(w[4]), *map(float, w[:4])) for w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page)])
    return pages


def words_in(words, box):
    bx0, by0, bx1, by1 = box["x"], box["y"], box["x"] + box["width"], box["y"] + box["height"]
    hits = []
    for text, x0, y0, x1, y1 in words:
        overlap_y = min(y1, by1) - max(y0, by0)
        if min(x1, bx1) - max(x0, bx0) > 0.5 and overlap_y > 0.5 * min(y1 - y0, by1 - by0):
            hits.append((x0, text, (x0, y0, x1, y1)))
    hits.sort(key=lambda h: h[2][3])                              # by baseline, then rows left to right
    row, rows, last = 0, [], None
    for h in hits:
        if last is not None and h[2][3] - last > 0.5 * (h[2][3] - h[2][1]):
            row += 1
        rows.append((row, h[0], h[1], h[2]))
        last = h[2][3]
    rows.sort()
    return " ".join(r[2] for r in rows), [r[3] for r in rows]


def check_text(report, name, truth, pdf_path):
    pages = pdf_words(pdf_path)
    report.expect(len(pages) == len(truth["pages"]), f"{name}: page count", f"{len(pages)} in the PDF")
    items = [(f"field {k}", f["printed"], f["box"], f["page"]) for k, f in truth["fields"].items()]
    items += [(f"small-print line {i}", ln["text"], ln["box"], ln["page"]) for i, ln in enumerate(truth["small_print"])]
    for what, printed, box, page in items:
        text, boxes = words_in(pages[page - 1], box)
        squeeze = lambda s: re.sub(r"\s+", " ", s).strip()
        if not boxes:
            report.expect(False, f"{name}: {what}", f"no words at {box}")
            continue
        ux0, uy0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
        ux1, uy1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
        # Our boxes may be taller than poppler's where a font declares too small an ascent (fonts.extents).
        inside = (box["x"] >= ux0 - TOLERANCE_PT and box["x"] + box["width"] <= ux1 + TOLERANCE_PT
                  and box["y"] <= uy0 + TOLERANCE_PT and box["y"] + box["height"] >= uy1 - TOLERANCE_PT
                  and box["height"] <= 1.3 * (uy1 - uy0) + TOLERANCE_PT)
        if squeeze(text) == squeeze(printed):
            tight = abs(box["x"] - ux0) <= TOLERANCE_PT and abs(box["x"] + box["width"] - ux1) <= TOLERANCE_PT
            report.expect(inside and tight, f"{name}: {what} box", f"{box} vs words {ux0, uy0, ux1, uy1}")
        else:
            report.expect(printed in text and inside, f"{name}: {what}", f"{printed!r} vs {text!r} at {box}")
    if "small_print" not in truth["fields"]:
        return
    ref = truth["fields"]["small_print"]["printed"]
    elsewhere = [w for p in pages for w in p if ref in w[0]]
    report.expect(len(elsewhere) == 1, f"{name}: small-print value printed once", f"{len(elsewhere)} times")


# The engine's template queries (config/templates): the ground truth must use the same names.
FIELD_NAMES = {"invoice": {"vendor", "invoice_number", "date", "due_date", "total", "currency", "small_print"},
               "form": {"organisation", "applicant_name", "policy_number", "incident_date", "amount", "small_print"},
               "receipt": {"company", "date", "address", "total"}}


def check_values(report, name, truth):
    report.expect(set(truth["fields"]) == FIELD_NAMES[truth["kind"]], f"{name}: field names",
                  str(sorted(truth["fields"])))
    for key, field in truth["fields"].items():
        if "format" in field:                                   # a date
            readings = date_readings(field["printed"])
            report.expect(field["normalized"] in readings and field["unambiguous"] == (len(readings) == 1),
                          f"{name}: {key} reading", f"{field['printed']!r} reads as {sorted(readings)}")
        if "currency" in field and key in ("total", "amount"):
            report.expect(amount_reading(field["printed"]) == Decimal(field["normalized"]),
                          f"{name}: {key} reading", f"{field['printed']!r} vs {field['normalized']}")
    cur = truth["fields"].get("currency")
    if cur:
        codes = CURRENCY_TOKENS.get(cur["printed"], {cur["printed"]})
        report.expect(cur["normalized"] in codes and cur["unambiguous"] == (len(codes) == 1),
                      f"{name}: currency reading", f"{cur['printed']!r} → {cur['normalized']}")
    if truth["kind"] == "receipt":
        return
    sp = truth["fields"]["small_print"]
    report.expect(5 <= sp["size"] <= 7 and sp["printed"] in sp["line"], f"{name}: small print", str(sp["size"]))


# ---------------------------------------------------------------------------------------------
# Scans

def probe_pdf(point_truth):
    """One page per field with only that field's text, where the document printed it."""
    width, height = point_truth["pages"][0]["width"], point_truth["pages"][0]["height"]
    s = Surface(width, height)
    names = []
    for key, field in point_truth["fields"].items():
        if names:
            s.new_page()
        for line, text, x in field_lines(point_truth, field):
            family, style = line["font"].rsplit(" ", 1)
            ascent = fonts.extents(family, style)[0] * line["size"] / 1000
            s.text(x, line["box"]["y"] + ascent, text, family, line["size"], style)
        names.append((key, line["size"]))
    return s.pdf(), names


def field_lines(truth, field):
    """(line, text, x) of what a field printed: part of one line, or whole lines (a receipt's address)."""
    b = field["box"]
    for ln in truth["lines"]:
        if (ln["page"] == field["page"] and field["printed"] in ln["text"] and abs(ln["box"]["y"] - b["y"]) < 0.01
                and ln["box"]["x"] - 0.01 <= b["x"] <= ln["box"]["x"] + ln["box"]["width"]):
            return [(ln, field["printed"], b["x"])]
    inside = [ln for ln in truth["lines"] if ln["page"] == field["page"] and ln["box"]["y"] >= b["y"] - 0.01
              and ln["box"]["y"] + ln["box"]["height"] <= b["y"] + b["height"] + 0.01
              and ln["box"]["x"] >= b["x"] - 0.01 and ln["box"]["x"] + ln["box"]["width"] <= b["x"] + b["width"] + 0.01]
    return [(ln, ln["text"], ln["box"]["x"]) for ln in inside]


def check_ink(report, name, truth, point_truth):
    """Each field's ink, drawn alone and moved like the scan (or not at all for a PDF), is in its box."""
    p = truth["scan"] or {"dpi": [200, 200], "rotation_deg": [0] * len(truth["pages"]), "offset_px": [0, 0]}
    k = 1 if truth["scan"] else p["dpi"][0] / 72          # PDF boxes are in points
    pdf, names = probe_pdf(point_truth)
    for (key, size), page in zip(names, scan.rasterise(pdf, p["dpi"][0], False)):
        field = truth["fields"][key]
        g = scan.Geometry(page.size, p["dpi"][0], p["rotation_deg"][field["page"] - 1], p["offset_px"],
                          p["dpi"][1] / p["dpi"][0])
        ink = np.argwhere(np.asarray(g.resample(g.apply(page))) < 128)
        if not len(ink):
            report.expect(False, f"{name}: {key} ink box", "no ink")
            continue
        (y0, x0), (y1, x1) = ink.min(axis=0), ink.max(axis=0) + 1
        b, tol = {c: v * k for c, v in field["box"].items()}, 2.5
        overhang = tol + 0.15 * size * p["dpi"][0] / 72     # a box is the advance width: J or f may stick out
        inside = (x0 >= b["x"] - overhang and y0 >= b["y"] - tol and x1 <= b["x"] + b["width"] + overhang
                  and y1 <= b["y"] + b["height"] + tol)
        fills = (x1 - x0) >= 0.6 * b["width"] - 2 * tol and (y1 - y0) >= 0.3 * b["height"] - tol
        report.expect(inside and fills, f"{name}: {key} ink box", f"ink {x0, y0, x1, y1} vs box {b}")


def check_file(report, name, truth, path):
    if truth["format"] == "pdf":
        return
    with Image.open(path) as im:
        frames = [(f.size, f.info.get("dpi")) for f in ImageSequence.Iterator(im)]
    report.expect(len(frames) == len(truth["pages"]), f"{name}: image page count", f"{len(frames)}")
    for (size, dpi), page in zip(frames, truth["pages"]):
        ok = list(size) == [page["width"], page["height"]] and (
            dpi is None or [round(v) for v in dpi] == page["units_per_inch"])
        report.expect(ok, f"{name}: page {page['page']} size and dpi", f"{size} {dpi} vs {page}")


# ---------------------------------------------------------------------------------------------

def run(out=None):
    from .__main__ import generate, make_one                     # the CLI module imports this one
    report = Report()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(out) if out else Path(tmp)
        a, b, c = root / "check-a", root / "check-b", root / "check-rerun"
        for folder in (a, b, c):
            folder.mkdir(parents=True, exist_ok=True)
        entries = [make_one(a, SEED, i, *case) for i, case in enumerate(CASES)]
        for i, (e, (kind, fmt, layout)) in enumerate(zip(entries, CASES)):
            make_one(b, SEED, i, kind, fmt, layout)
            same = all((a / f).read_bytes() == (b / f).read_bytes() for f in (e["file"], e["truth"]))
            report.expect(same, f"{e['name']}: same bytes on a second run")
            truth = json.loads((a / e["truth"]).read_text())
            pdf, point_truth = document.build(SEED, i, kind, fmt, layout=layout)
            pdf_path = b / f"{e['name']}.points.pdf"
            pdf_path.write_bytes(pdf)
            check_text(report, e["name"], point_truth, pdf_path)
            check_values(report, e["name"], truth)
            check_file(report, e["name"], truth, a / e["file"])
            check_ink(report, e["name"], truth, point_truth)
        # A smaller second run into the same folder keeps its documents and removes the others.
        generate(c, 4, SEED, ("invoice", "form"), tuple(scan.FORMATS), 0.5)
        first = {p.name: p.read_bytes() for p in c.iterdir()}
        kept = generate(c, 2, SEED, ("invoice", "form"), tuple(scan.FORMATS), 0.5)
        left = sorted(p.name for p in c.iterdir())
        expected = sorted([e[k] for e in kept for k in ("file", "truth")] + ["manifest.json"])
        report.expect(left == expected, "a rerun removes what it no longer makes", f"{left} vs {expected}")
        report.expect(all((c / n).read_bytes() == first[n] for n in left if n != "manifest.json"),
                      "a rerun rewrites the same bytes")
    print(f"synth-check: {report.passed} passed, {report.failed} failed")
    return 0 if report.failed == 0 else 1
