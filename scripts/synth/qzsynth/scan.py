"""Turns a born-digital PDF into a scan: rasterised by poppler, then skewed, blurred, noised and
compressed the way office scanners and fax machines do it. Boxes follow the same transform.

Pixel coordinates are continuous: pixel (i, j) covers [i, i+1) × [j, j+1). A point p on the page (in
points) lands at R·(s·p − c) + c + t, where s = dpi / 72, c is the image centre, R rotates by the skew
angle and t is the feed offset; a 200×100 dpi fax then halves y.
"""
import math
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

# format → (extension, choices of square dpi, fax vertical dpi or None)
FORMATS = {"png": ("png", (150, 200, 300), None), "jpeg": ("jpg", (150, 200, 240, 300), None),
           "tiff": ("tif", (200, 300), None), "fax": ("tif", (200,), (100, 200))}


def parameters(rng, fmt):
    """The degradation of one scan, drawn from the document's random generator (all recorded)."""
    _, dpis, fax = FORMATS[fmt]
    dpi = rng.choice(dpis)
    return {
        "dpi": [dpi, rng.choice(fax)] if fax else [dpi, dpi],
        "rotation_deg": round(rng.uniform(-2, 2), 3) if rng.random() < 0.85 else 0.0,
        "offset_px": [round(rng.uniform(-0.08, 0.08) * dpi, 1), round(rng.uniform(-0.08, 0.08) * dpi, 1)],  # ±2 mm
        "blur_sigma_px": round(rng.uniform(0, 1.1) * dpi / 300, 2),
        "noise_sigma": round(rng.uniform(2, 10 if fmt != "fax" else 25), 1),
        "paper_level": rng.randrange(228, 252) if fmt != "fax" else 255,
        "jpeg_quality": rng.randrange(35, 86) if fmt == "jpeg" else None,
        "color": fmt == "jpeg" and rng.random() < 0.4,
        "bilevel_threshold": rng.randrange(140, 185) if fmt == "fax" else None,
        "compression": {"png": "deflate", "jpeg": "jpeg", "tiff": rng.choice(("tiff_lzw", "tiff_adobe_deflate")),
                        "fax": "group4"}[fmt],
        "seed": rng.randrange(2 ** 32),
    }


def rasterise(pdf, dpi, color):
    """Every page of `pdf` at `dpi`, by pdftoppm (gray or RGB)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi)] + ([] if color else ["-gray"]) + [str(src), f"{tmp}/p"],
                       check=True, capture_output=True)
        return [Image.open(p).copy() for p in sorted(Path(tmp).glob("p-*.p?m"))]


class Geometry:
    """The page-point → pixel transform of one scanned page."""

    def __init__(self, size_px, dpi, angle_deg, offset, y_factor):
        self.scale, self.centre = dpi / 72, (size_px[0] / 2, size_px[1] / 2)
        self.cos, self.sin = math.cos(math.radians(angle_deg)), math.sin(math.radians(angle_deg))
        # The fax's row count is rounded, so the exact factor is rows out / rows in.
        self.rows = round(size_px[1] * y_factor)
        self.offset, self.y_factor = offset, self.rows / size_px[1]

    def point(self, x, y):
        (cx, cy), (tx, ty) = self.centre, self.offset
        u, v = x * self.scale - cx, y * self.scale - cy
        return (cx + self.cos * u - self.sin * v + tx, (cy + self.sin * u + self.cos * v + ty) * self.y_factor)

    def affine(self):
        """Pillow's AFFINE data: for an output pixel, where to sample the unrotated image."""
        (cx, cy), (tx, ty), c, s = self.centre, self.offset, self.cos, self.sin
        return (c, s, cx - c * (cx + tx) - s * (cy + ty), -s, c, cy + s * (cx + tx) - c * (cy + ty))

    def apply(self, page):
        """Skews and shifts a rendered page (the paper on the glass)."""
        return page.transform(page.size, Image.Transform.AFFINE, self.affine(), Image.Resampling.BILINEAR,
                              fillcolor=(255, 255, 255) if page.mode == "RGB" else 255)

    def resample(self, image):
        """A fax's coarser vertical resolution."""
        if self.rows == image.height:
            return image
        return image.resize((image.width, self.rows), Image.Resampling.BOX)

    def box(self, b):
        """The transformed box: its axis-aligned bounds and its four corners, clockwise from top-left."""
        x0, y0, x1, y1 = b["x"], b["y"], b["x"] + b["width"], b["y"] + b["height"]
        quad = [self.point(x, y) for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))]
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        bounds = {"x": round(min(xs), 1), "y": round(min(ys), 1),
                  "width": round(max(xs) - min(xs), 1), "height": round(max(ys) - min(ys), 1)}
        return bounds, [[round(x, 1), round(y, 1)] for x, y in quad]


def degrade(page, p, geometry, noise_rng):
    """One rendered page → the scanned image, in the final pixel grid."""
    paper = p["paper_level"]
    image = geometry.apply(page)
    if p["blur_sigma_px"] > 0.05:
        image = image.filter(ImageFilter.GaussianBlur(p["blur_sigma_px"]))
    a = np.array(image, dtype=np.float32)
    a *= np.array([1.0, 0.985, 0.94], dtype=np.float32) * (paper / 255) if a.ndim == 3 else paper / 255
    noise = noise_rng.standard_normal(a.shape[:2], dtype=np.float32)
    noise *= p["noise_sigma"]
    a += noise[..., None] if a.ndim == 3 else noise
    np.clip(a, 0, 255, out=a)
    image = Image.fromarray(a.astype(np.uint8))
    image = geometry.resample(image)
    if p["bilevel_threshold"] is not None:
        image = image.point(lambda v: 255 if v >= p["bilevel_threshold"] else 0).convert("1", dither=Image.Dither.NONE)
    return image


def make(pdf, truth, rng, fmt, path):
    """Writes the scan of `pdf` to `path`; rewrites `truth` into pixels of the scan."""
    p = parameters(rng, fmt)
    dpi_x, dpi_y = p["dpi"]
    pages = rasterise(pdf, dpi_x, p["color"])
    noise_rng = np.random.default_rng(p["seed"])
    # Each sheet of a multi-page scan is skewed anew.
    p["rotation_deg"] = [p["rotation_deg"]] + [round(rng.uniform(-2, 2), 3) for _ in pages[1:]]
    images, geometries = [], []
    for page, angle in zip(pages, p["rotation_deg"]):
        g = Geometry(page.size, dpi_x, angle, p["offset_px"], dpi_y / dpi_x)
        images.append(degrade(page, p, g, noise_rng))
        geometries.append(g)
    _write(images, p, path)
    _to_pixels(truth, geometries, images, p)
    truth["scan"] = p


def _write(images, p, path):
    dpi = tuple(p["dpi"])
    first, rest = images[0], images[1:]
    if p["compression"] == "jpeg":
        first.save(path, "JPEG", quality=p["jpeg_quality"], dpi=dpi)
    elif p["compression"] == "deflate":
        first.save(path, "PNG", dpi=dpi, compress_level=1)
    else:
        first.save(path, "TIFF", compression=p["compression"], dpi=dpi, save_all=bool(rest), append_images=rest)


def _to_pixels(truth, geometries, images, p):
    truth["unit"] = "pixel"
    truth["pages"] = [{"page": i + 1, "width": im.width, "height": im.height, "units_per_inch": p["dpi"]}
                      for i, im in enumerate(images)]
    for record in truth["lines"] + truth["small_print"]:
        record["box"], _ = geometries[record["page"] - 1].box(record["box"])
    for field in truth["fields"].values():
        g = geometries[field["page"] - 1]
        field["box"], field["quad"] = g.box(field["box"])
        if "line_box" in field:
            field["line_box"], _ = g.box(field["line_box"])
