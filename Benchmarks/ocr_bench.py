"""Whole-page OCR: qzoom against rapidocr 3.10.0 (onnxruntime), same images, same models, same run.

Run through Benchmarks/ocr-bench. For every chunk of images it first runs one `qzoom ocr --json`
process on the chunk (2 threads), then rapidocr on the same images in this process (2 onnxruntime
threads), so that both see the same machine load. Each side reads the warm-up image first (rapidocr
once before the run, qzoom at the head of every process) and is timed on warm networks. Times are per
page as each side measures its own work: from the JPEG file to the lines, image decoding included,
model loading and process start-up excluded (qzoom reports its stage timings in the JSON; rapidocr's
call is timed around `engine(path)`). `--process-per-image` runs one qzoom process per image with no
warm-up instead: what a single `qzoom ocr FILE` costs, the networks' first run included.

Accuracy, on sroie-dev's ground-truth lines (box/NNN.csv: x1,y1,...,x4,y4,transcript):
- a predicted line matches a ground-truth line when their quadrilaterals overlap with IoU >= 0.5;
  matching is one-to-one, greedy by IoU (highest first);
- line recall = matched ground-truth lines / all ground-truth lines;
- character accuracy = 1 - CER over matched pairs: the sum of Levenshtein distances between the
  predicted and the true text over the sum of the true texts' lengths. Texts are compared
  case-insensitively, with runs of whitespace collapsed to one space and the ends stripped.
  Unmatched lines do not enter it (they count against recall, and against precision when predicted);
- end-to-end character accuracy also charges every unmatched ground-truth line with its full length.
"""
import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from shapely.geometry import Polygon

ROOT = Path(__file__).resolve().parents[1]


def read_ground_truth(path):
    lines = []
    for row in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = row.split(",", 8)
        if len(parts) < 9:
            continue
        try:
            coords = [float(v) for v in parts[:8]]
        except ValueError:
            continue
        lines.append((list(zip(coords[0::2], coords[1::2])), parts[8]))
    return lines


def polygon(points):
    p = Polygon(points)
    return p if p.is_valid else p.buffer(0)


def iou(a, b):
    inter = a.intersection(b).area
    union = a.area + b.area - inter
    return inter / union if union > 0 else 0.0


def normalise(text):
    return re.sub(r"\s+", " ", text).strip().lower()


def levenshtein(a, b):
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def score(predictions, truth):
    """predictions, truth: lists of (points, text). Returns counts for the totals."""
    pp = [polygon(p) for p, _ in predictions]
    tp = [polygon(p) for p, _ in truth]
    pairs = []
    for i, a in enumerate(pp):
        for j, b in enumerate(tp):
            if a.intersects(b):
                v = iou(a, b)
                if v >= 0.5:
                    pairs.append((v, i, j))
    pairs.sort(key=lambda t: -t[0])
    used_p, used_t, matched = set(), set(), []
    for _, i, j in pairs:
        if i not in used_p and j not in used_t:
            used_p.add(i); used_t.add(j); matched.append((i, j))
    edits = sum(levenshtein(normalise(predictions[i][1]), normalise(truth[j][1])) for i, j in matched)
    matched_chars = sum(len(normalise(truth[j][1])) for _, j in matched)
    unmatched_chars = sum(len(normalise(t)) for j, (_, t) in enumerate(truth) if j not in used_t)
    return {"gt": len(truth), "pred": len(predictions), "matched": len(matched), "edits": edits,
            "matched_chars": matched_chars, "unmatched_chars": unmatched_chars}


def totals(rows):
    s = {k: sum(r[k] for r in rows) for k in rows[0]}
    return {
        "line_recall": s["matched"] / s["gt"],
        "line_precision": s["matched"] / s["pred"] if s["pred"] else 0.0,
        "char_accuracy": 1 - s["edits"] / s["matched_chars"] if s["matched_chars"] else 0.0,
        "end_to_end_char_accuracy": 1 - (s["edits"] + s["unmatched_chars"]) / (s["matched_chars"] + s["unmatched_chars"]),
        **s,
    }


def run_qzoom(binary, files, threads, warm_up=None):
    """One process for all of `files`, reading `warm_up` first (not scored), or one per file if None."""
    command = [str(binary), "ocr", "--json", "--threads", str(threads), "--timeout", "0"]
    batches = [[warm_up, *files]] if warm_up else [[f] for f in files]
    skip = 1 if warm_up else 0  # the warm-up's report is not scored
    results = {}
    for batch in batches:
        out = subprocess.run(command + [str(f) for f in batch], check=True, capture_output=True, text=True).stdout
        reports = [json.loads(line) for line in out.splitlines() if line.strip()]
        for f, report in zip(batch[skip:], reports[skip:]):
            page = report["pages"][0]
            results[f.name] = {
                "lines": [([tuple(p) for p in l["quad"]], l["text"]) for l in page["lines"]],
                "ms": page["timings"]["total"],
                "stages": page["timings"],
            }
    return results


def run_rapidocr(engine, files):
    results = {}
    for f in files:
        start = time.perf_counter()
        r = engine(str(f))
        ms = (time.perf_counter() - start) * 1000
        lines = []
        if r.boxes is not None and r.txts is not None:
            lines = [([tuple(map(float, p)) for p in box], text) for box, text in zip(r.boxes, r.txts)]
        # rapidocr's own stage clocks: det includes its resize, normalisation and DB post-processing;
        # cropping, image loading and CTC decoding outside the networks' calls are in none of them.
        elapse = getattr(r, "elapse_list", None) or []
        stages = {k: (v or 0.0) * 1000 for k, v in zip(("det", "cls", "rec"), elapse)}
        results[f.name] = {"lines": lines, "ms": ms, "stages": stages}
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "sroie-dev")
    ap.add_argument("--qzoom", type=Path, default=ROOT / ".build" / "release" / "qzoom")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--chunk", type=int, default=10)
    ap.add_argument("--limit", type=int, default=0, help="only the first N images (0: all)")
    ap.add_argument("--process-per-image", action="store_true",
                    help="one cold qzoom process per image, without a warm-up (default: one warm process per chunk)")
    ap.add_argument("--out", type=Path, default=ROOT / ".build" / "ocr-bench.json")
    args = ap.parse_args()

    from rapidocr import RapidOCR
    engine = RapidOCR(params={
        "Global.log_level": "error",
        "EngineConfig.onnxruntime.intra_op_num_threads": args.threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    })
    images = sorted((args.data / "img").glob("*.jpg"))
    if args.limit:
        images = images[:args.limit]
    run_rapidocr(engine, images[:1])  # warm-up: the first call initialises onnxruntime's sessions

    ours, theirs = {}, {}
    for k in range(0, len(images), args.chunk):
        chunk = images[k:k + args.chunk]
        ours.update(run_qzoom(args.qzoom, chunk, args.threads, None if args.process_per_image else images[0]))
        theirs.update(run_rapidocr(engine, chunk))
        # The report so far is written after every chunk, so an interrupted run still has its numbers.
        report = summarise(images[:k + len(chunk)], ours, theirs, args)
        print(f"  {report['images']}/{len(images)} images: speed ratio {report['speed_ratio_median']:.3f}, "
              f"recall {report['qzoom']['line_recall']:.4f} vs {report['rapidocr']['line_recall']:.4f}",
              file=sys.stderr)
    print_table(report, args)


def summarise(images, ours, theirs, args):
    report = {}
    for name, results in (("qzoom", ours), ("rapidocr", theirs)):
        rows = [score(results[f.name]["lines"], read_ground_truth(args.data / "box" / (f.stem + ".csv")))
                for f in images]
        times = [results[f.name]["ms"] for f in images]
        report[name] = {**totals(rows), "median_ms": statistics.median(times),
                        "mean_ms": statistics.fmean(times)}
    report["speed_ratio_median"] = report["qzoom"]["median_ms"] / report["rapidocr"]["median_ms"]
    report["images"] = len(images)
    stages = [ours[f.name]["stages"] for f in images]
    report["qzoom_stage_medians_ms"] = {k: statistics.median(s[k] for s in stages) for k in stages[0]}
    theirs_stages = [theirs[f.name]["stages"] for f in images if theirs[f.name]["stages"]]
    if theirs_stages:
        report["rapidocr_stage_medians_ms"] = {k: statistics.median(s.get(k, 0.0) for s in theirs_stages)
                                               for k in ("det", "cls", "rec")}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"report": report, "qzoom": ours, "rapidocr": theirs}, indent=1))
    return report


def print_table(report, args):
    protocol = "one cold process per image" if args.process_per_image else "one warm process per chunk"
    print(f"{report['images']} images, {args.threads} threads each, qzoom: {protocol}")
    print(f"{'':10} {'recall':>8} {'precision':>9} {'char acc':>9} {'e2e char':>9} {'median ms':>10} {'mean ms':>9}")
    for name in ("qzoom", "rapidocr"):
        r = report[name]
        print(f"{name:10} {r['line_recall']:8.4f} {r['line_precision']:9.4f} {r['char_accuracy']:9.4f} "
              f"{r['end_to_end_char_accuracy']:9.4f} {r['median_ms']:10.1f} {r['mean_ms']:9.1f}")
    print(f"speed ratio (qzoom / rapidocr, medians): {report['speed_ratio_median']:.3f}")
    print("qzoom stage medians (ms): " + ", ".join(f"{k} {v:.0f}" for k, v in report["qzoom_stage_medians_ms"].items()))
    if "rapidocr_stage_medians_ms" in report:
        print("rapidocr stage medians (ms): " + ", ".join(f"{k} {v:.0f}" for k, v in report["rapidocr_stage_medians_ms"].items()))


if __name__ == "__main__":
    main()
