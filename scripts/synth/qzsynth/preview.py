"""Page images with the ground-truth boxes drawn on them, for a person to check by eye."""
import json

from PIL import Image, ImageDraw, ImageSequence

from . import scan

PREVIEW_DPI = 110
COLOURS = {"small_print": (220, 0, 0), "total": (0, 140, 0), "currency": (0, 180, 180)}


def pages(folder, truth):
    """Page images of a document and the factor from page units to their pixels."""
    path = folder / truth["file"]
    if truth["format"] == "pdf":
        return [(im.convert("RGB"), PREVIEW_DPI / 72) for im in scan.rasterise(path.read_bytes(), PREVIEW_DPI, True)]
    images = []
    with Image.open(path) as im:
        for frame in ImageSequence.Iterator(im):
            images.append((frame.convert("RGB"), 1.0))
    return images


def draw(folder, truth, out):
    written = []
    for number, (image, k) in enumerate(pages(folder, truth), start=1):
        d = ImageDraw.Draw(image)
        for line in truth["small_print"]:
            if line["page"] == number:
                b = line["box"]
                d.rectangle([b["x"] * k, b["y"] * k, (b["x"] + b["width"]) * k, (b["y"] + b["height"]) * k],
                            outline=(255, 150, 0))
        for name, field in truth["fields"].items():
            if field["page"] != number:
                continue
            colour = COLOURS.get(name, (0, 0, 255))
            if "quad" in field:
                d.polygon([(x * k, y * k) for x, y in field["quad"]], outline=colour)
            b = field["box"]
            d.rectangle([b["x"] * k, b["y"] * k, (b["x"] + b["width"]) * k, (b["y"] + b["height"]) * k],
                        outline=colour)
            d.text((b["x"] * k, max(0, b["y"] * k - 11)), name, fill=colour)
        target = out / f"{truth['name']}-p{number}.png"
        image.save(target)
        written.append(target)
    return written


def run(folder, out):
    out.mkdir(parents=True, exist_ok=True)
    manifest = json.loads((folder / "manifest.json").read_text())
    files = []
    for entry in manifest["documents"]:
        files += draw(folder, json.loads((folder / entry["truth"]).read_text()), out)
    return files
