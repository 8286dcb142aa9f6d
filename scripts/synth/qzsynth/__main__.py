"""make-synthetic: seeded synthetic invoices, forms and receipts with JSON ground truth (docs/synthetic.md)."""
import argparse
import json
import multiprocessing
import random
import sys
import time
from pathlib import Path

from . import check, document, fonts, legibility, preview, scan

KINDS = ("invoice", "form", "receipt")
KIND_WEIGHTS = {"invoice": 2, "form": 1, "receipt": 2}


def plan(seed, index, kinds, scans, scan_share):
    """Kind and output format of document `index`; depends only on the seed, the index and the options."""
    rng = random.Random(f"qzsynth/{seed}/{index}/plan")
    kind = rng.choices(kinds, [KIND_WEIGHTS[k] for k in kinds])[0]
    fmt = rng.choice(scans) if scans and rng.random() < scan_share else "pdf"
    return kind, fmt


def to_json(value, indent=""):
    """Indented JSON in which anything short (a box, a point, a text line) sits on one line."""
    one = json.dumps(value, ensure_ascii=False)
    if len(one) <= 160 or not isinstance(value, (dict, list)) or not value:
        return one
    inner = indent + " "
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {to_json(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    return "[\n" + ",\n".join(inner + to_json(v, inner) for v in value) + f"\n{indent}]"


def make_one(out, seed, index, kind, fmt, layout=None, small_sizes=document.SMALL_SIZES):
    """Writes one document and its NAME.json; returns its manifest entry."""
    name = f"{kind}-{index:04d}"
    pdf, truth = document.build(seed, index, kind, fmt, small_sizes, layout)
    file = f"{name}.{'pdf' if fmt == 'pdf' else scan.FORMATS[fmt][0]}"
    part = out / f".{file}.part"                      # dotfile: a watching qzoom ignores it until renamed
    if fmt == "pdf":
        part.write_bytes(pdf)
    else:
        scan.make(pdf, truth, random.Random(f"qzsynth/{seed}/{index}/scan"), fmt, part)
    truth = {"name": name, "file": file, **truth}
    truth_part = out / f".{name}.json.part"
    truth_part.write_text(to_json(truth) + "\n", encoding="utf-8")
    part.rename(out / file)
    truth_part.rename(out / f"{name}.json")
    return {"name": name, "file": file, "truth": f"{name}.json", "kind": kind, "format": fmt,
            "pages": len(truth["pages"])}


def _make_planned(job):
    out, seed, index, kinds, scans, scan_share, small_sizes = job
    return make_one(out, seed, index, *plan(seed, index, kinds, scans, scan_share), small_sizes=small_sizes)


def generate(out, count, seed, kinds, scans, scan_share, jobs=1, small_sizes=document.SMALL_SIZES):
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / "manifest.json"
    try:
        old = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {"documents": []}
    except (OSError, ValueError) as e:                 # not ours or damaged: delete nothing
        print(f"make-synthetic: ignoring {manifest_path} ({e}); earlier output is not cleaned up", file=sys.stderr)
        old = {"documents": []}
    work = [(out, seed, i, kinds, scans, scan_share, small_sizes) for i in range(count)]
    if jobs > 1:                                       # documents are independent: same bytes either way
        with multiprocessing.Pool(jobs) as pool:
            entries = pool.map(_make_planned, work, chunksize=1)
    else:
        entries = [_make_planned(job) for job in work]
    keep = {e[k] for e in entries for k in ("file", "truth")}
    for stale in old.get("documents", []):            # what an earlier run made and this one did not
        for k in ("file", "truth"):
            if stale.get(k) and stale[k] not in keep and "/" not in stale[k]:
                (out / stale[k]).unlink(missing_ok=True)
    manifest = {"schema": document.SCHEMA, "seed": seed, "count": count, "kinds": list(kinds),
                "scans": list(scans), "scan_share": scan_share, "small_sizes": list(small_sizes),
                "documents": entries}
    manifest_path.write_text(to_json(manifest) + "\n", encoding="utf-8")
    return entries


def _list(value, allowed, what):
    items = [] if value == "none" else [v.strip() for v in value.split(",") if v.strip()]
    bad = [v for v in items if v not in allowed]
    if bad:
        raise argparse.ArgumentTypeError(f"unknown {what}: {', '.join(bad)} (choose from {', '.join(allowed)})")
    return tuple(dict.fromkeys(items))


def _sizes(value):
    try:
        sizes = tuple(int(f) if f.is_integer() else f for f in (float(v) for v in value.split(",")))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of point sizes: {value}")
    if not sizes or not all(4 <= s <= 8 for s in sizes):
        raise argparse.ArgumentTypeError("small-print sizes must be between 4 and 8 pt")
    return sizes


def arguments(argv):
    p = argparse.ArgumentParser(
        prog="make-synthetic",
        description="Seeded synthetic invoices, forms and till receipts, as born-digital PDFs and degraded scans, each with "
                    "NAME.json ground truth (field values as printed and normalised, boxes in page "
                    "coordinates). The same options give the same bytes. See docs/synthetic.md.")
    p.add_argument("--out", type=Path, help="folder to write into (created; earlier output it made is replaced)")
    p.add_argument("--count", type=int, default=50, help="number of documents (default 50)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--kinds", default="invoice,form", type=lambda v: _list(v, KINDS, "kind"),
                   help="document kinds, comma-separated: invoice, form, receipt (default invoice,form; "
                        "weights invoice 2, form 1, receipt 2)")
    p.add_argument("--scans", default="png,jpeg,tiff,fax", type=lambda v: _list(v, tuple(scan.FORMATS), "scan format"),
                   help="scan formats to draw from, comma-separated: png, jpeg, tiff (gray, LZW or deflate, "
                        "multi-page), fax (bilevel G4, 200x100 or 200x200 dpi); 'none' for PDFs only "
                        "(default all)")
    p.add_argument("--scan-share", type=float, default=0.5,
                   help="share of documents written as scans rather than PDFs, 0 to 1 (default 0.5)")
    p.add_argument("--small-sizes", default="5,5.5,6,6.5,7", type=_sizes, metavar="PT,...",
                   help="point sizes the small print is drawn from, 4 to 8 (default 5,5.5,6,6.5,7; "
                        "fax scans use only those of 6.5 pt or more)")
    p.add_argument("--jobs", type=int, default=1, help="worker processes (default 1; output is the same)")
    p.add_argument("--preview", type=Path, metavar="DIR",
                   help="also write every page as PNG with the ground-truth boxes drawn on it into DIR")
    p.add_argument("--legibility", type=Path, metavar="DIR",
                   help="measure instead: the share of fields that Tesseract reads in DIR's PDFs at each of "
                        "--dpis (needs tesseract-ocr); prints a Markdown table")
    p.add_argument("--dpis", default="72,100,150,300", type=lambda v: tuple(int(d) for d in v.split(",")),
                   help="resolutions for --legibility (default 72,100,150,300)")
    p.add_argument("--check", action="store_true",
                   help="self-test: generate a few documents twice (same bytes?), check PDF text and boxes "
                        "against pdftotext -bbox and scan boxes against a clean re-render; prints "
                        "'N passed, N failed' (with --out, its files are kept there)")
    args = p.parse_args(argv)
    if not args.check and not args.legibility and args.out is None:
        p.error("--out is required (or use --check or --legibility)")
    if args.count < 0 or args.jobs < 1 or not 0 <= args.scan_share <= 1 or not args.kinds:
        p.error("--count must be ≥ 0, --jobs ≥ 1, --scan-share in [0, 1], and --kinds not empty")
    return args


def main(argv=None):
    args = arguments(argv)
    try:
        fonts.check_installed()
    except fonts.FontMissing as e:
        print(f"make-synthetic: {e}", file=sys.stderr)
        return 1
    if args.check:
        return check.run(args.out)
    if args.legibility:
        return legibility.run(args.legibility, args.dpis)
    start = time.monotonic()
    entries = generate(args.out, args.count, args.seed, args.kinds, args.scans, args.scan_share, args.jobs,
                       args.small_sizes)
    formats = {}
    for e in entries:
        formats[e["format"]] = formats.get(e["format"], 0) + 1
    summary = ", ".join(f"{n} {f}" for f, n in sorted(formats.items()))
    print(f"make-synthetic: {len(entries)} documents ({summary}) in {args.out} "
          f"in {time.monotonic() - start:.1f} s")
    if args.preview:
        pages = preview.run(args.out, args.preview)
        print(f"make-synthetic: {len(pages)} preview pages in {args.preview}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
