"""`make-synthetic --legibility DIR`: is small print really the high-resolution scenario?

An OCR engine that is not ours (Tesseract, `apt-get install tesseract-ocr`) reads each field's line,
cut from the page rendered at several resolutions and resized to a 48-pixel line height, as a
recognizer does. A field counts as read when its printed value appears in the output. Only the
born-digital PDFs of DIR are used, since they can be rendered at any resolution.
"""
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

from . import scan

FIELDS = ("small_print", "invoice_number", "date", "total", "policy_number")
LINE_HEIGHT = 48
MARGIN_PT = 3


def read_line(page, box, k, tmp):
    crop = page.crop((int((box["x"] - MARGIN_PT) * k), int((box["y"] - MARGIN_PT) * k),
                      int((box["x"] + box["width"] + MARGIN_PT) * k) + 1,
                      int((box["y"] + box["height"] + MARGIN_PT) * k) + 1))
    crop = crop.resize((max(1, round(crop.width * LINE_HEIGHT / crop.height)), LINE_HEIGHT),
                       Image.Resampling.BICUBIC)
    path = Path(tmp) / "line.png"
    crop.save(path)
    return subprocess.run(["tesseract", str(path), "-", "--psm", "7"], capture_output=True, text=True).stdout


def run(folder, dpis):
    if not shutil.which("tesseract"):
        print("make-synthetic: --legibility needs Tesseract: apt-get install tesseract-ocr")
        return 1
    manifest = json.loads((folder / "manifest.json").read_text())
    read, seen = {}, {}                                # (field, dpi) → count; field → count
    by_size = {}                                       # small-print size → (dpi → read, documents)
    with tempfile.TemporaryDirectory() as tmp:
        for entry in manifest["documents"]:
            if entry["format"] != "pdf":
                continue
            truth = json.loads((folder / entry["truth"]).read_text())
            pdf = (folder / entry["file"]).read_bytes()
            pages = {d: scan.rasterise(pdf, d, False) for d in dpis}
            for name in FIELDS:
                field = truth["fields"].get(name)
                if not field:
                    continue
                seen[name] = seen.get(name, 0) + 1
                box = field.get("line_box", field["box"])
                for d in dpis:
                    text = read_line(pages[d][field["page"] - 1], box, d / 72, tmp)
                    ok = field["printed"].replace(" ", "") in text.replace(" ", "")
                    read[name, d] = read.get((name, d), 0) + ok
                    if name == "small_print":
                        counts, n = by_size.setdefault(field["size"], ({}, [0]))
                        counts[d] = counts.get(d, 0) + ok
                        n[0] += d == dpis[0]
    header = "| field | lines | " + " | ".join(f"{d} dpi" for d in dpis) + " |"
    print(header + "\n|" + "---|" * (len(dpis) + 2))
    for name in FIELDS:
        if name in seen:
            print(f"| {name} | {seen[name]} | " + " | ".join(f"{read[name, d] / seen[name]:.2f}" for d in dpis) + " |")
    for size in sorted(by_size):
        counts, (n,) = by_size[size]
        print(f"| small_print at {size:g} pt | {n} | " + " | ".join(f"{counts.get(d, 0) / n:.2f}" for d in dpis) + " |")
    return 0
