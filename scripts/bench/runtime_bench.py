"""Side-by-side speed of NeuralRuntime and onnxruntime on the same tensors (run by scripts/bench-runtime).

  prepare DIR IMAGE BOXES  writes the inputs: the receipt resized to 960 px on its long side and padded
                           to multiples of 32 (detector), and its ground-truth lines cropped, resized to
                           height 48 and batched as rapidocr does (6 per batch, sorted by aspect, ≥ 320 wide)
  ort DIR RUNS             times onnxruntime (2 intra-op threads) on them; prints JSON
  summary DIR              reads the rounds' JSON files and prints the table for docs/benchmarks.md
"""
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "models" / "ppocr"
LONG_SIDE = 960


def normalized_bgr(rgb):
    return ((rgb[:, :, ::-1].astype(np.float32) / 255.0 - 0.5) / 0.5).transpose(2, 0, 1)


def prepare(out, image_path, boxes_path):
    from PIL import Image
    out.mkdir(parents=True, exist_ok=True)
    page = Image.open(image_path).convert("RGB")
    scale = LONG_SIDE / max(page.size)
    w, h = round(page.size[0] * scale), round(page.size[1] * scale)
    resized = np.asarray(page.resize((w, h), Image.BILINEAR))
    pw, ph = (w + 31) // 32 * 32, (h + 31) // 32 * 32
    det = np.zeros((1, 3, ph, pw), dtype=np.float32)
    det[0, :, :h, :w] = normalized_bgr(resized)
    det.tofile(out / "det.f32")
    manifest = {"image": str(image_path), "det": list(det.shape), "rec": []}

    crops = []
    for line in Path(boxes_path).read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split(",")
        if len(parts) < 9:
            continue
        xs, ys = [int(v) for v in parts[0:8:2]], [int(v) for v in parts[1:8:2]]
        box = (min(xs), min(ys), max(xs), max(ys))
        if box[2] - box[0] < 2 or box[3] - box[1] < 2:
            continue
        crops.append(page.crop(box))
    crops.sort(key=lambda c: c.size[0] / c.size[1])
    for start in range(0, len(crops), 6):
        batch = crops[start:start + 6]
        ratio = max(320 / 48, max(c.size[0] / c.size[1] for c in batch))
        width = int(48 * ratio)
        tensor = np.zeros((len(batch), 3, 48, width), dtype=np.float32)
        for i, crop in enumerate(batch):
            cw = min(width, int(np.ceil(48 * crop.size[0] / crop.size[1])))
            tensor[i, :, :, :cw] = normalized_bgr(np.asarray(crop.resize((cw, 48), Image.BILINEAR)))
        name = f"rec-{start // 6}.f32"
        tensor.tofile(out / name)
        manifest["rec"].append({"file": name, "shape": list(tensor.shape)})
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    print(f"prepared detector input {det.shape} and {len(crops)} lines in {len(manifest['rec'])} batches")


def ort_times(out, runs):
    import onnxruntime as ort
    manifest = json.loads((out / "manifest.json").read_text())
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    options.inter_op_num_threads = 1
    det = ort.InferenceSession(str(MODELS / "PP-OCRv6_det_small.onnx"), options, providers=["CPUExecutionProvider"])
    rec = ort.InferenceSession(str(MODELS / "PP-OCRv6_rec_small.onnx"), options, providers=["CPUExecutionProvider"])
    det_input = np.fromfile(out / "det.f32", dtype=np.float32).reshape(manifest["det"])
    rec_inputs = [np.fromfile(out / b["file"], dtype=np.float32).reshape(b["shape"]) for b in manifest["rec"]]
    det.run(None, {"x": det_input})
    for x in rec_inputs:
        rec.run(None, {"x": x})
    result = {"det": [], "rec": []}
    for _ in range(runs):
        start = time.perf_counter()
        det.run(None, {"x": det_input})
        result["det"].append(time.perf_counter() - start)
        start = time.perf_counter()
        for x in rec_inputs:
            rec.run(None, {"x": x})
        result["rec"].append(time.perf_counter() - start)
    print(json.dumps(result))


def summary(out):
    rounds = [json.loads(p.read_text()) for p in sorted(out.glob("round-*.json"))]
    ours = {k: [t for r in rounds for t in r["ours"][k]] for k in ("det", "rec")}
    theirs = {k: [t for r in rounds for t in r["ort"][k]] for k in ("det", "rec")}
    info = rounds[0]["ours"]
    manifest = json.loads((out / "manifest.json").read_text())
    lines = sum(b["shape"][0] for b in manifest["rec"])
    print(f"inputs: detector {manifest['det']}, recognizer {lines} lines in {len(manifest['rec'])} batches "
          f"({Path(manifest['image']).name}); {len(rounds)} interleaved rounds")
    peak = max(r["ours"]["sgemmPeakGFLOPS"] for r in rounds)
    print(f"OpenBLAS sgemm peak (2048³ split over {info['threads']} workers, best of the rounds): {peak:.1f} GFLOP/s")
    print("| model | NeuralRuntime median (best) | onnxruntime 2 threads median (best) | ratio of medians | per-round ratios | our GFLOP/s (conv+matmul, median) |")
    print("|---|---|---|---|---|---|")
    for key, name, flops in (("det", "detector", info["detFLOPs"]), ("rec", "recognizer", info["recFLOPs"])):
        a, b = statistics.median(ours[key]), statistics.median(theirs[key])
        per_round = [statistics.median(r["ours"][key]) / statistics.median(r["ort"][key]) for r in rounds]
        print(f"| {name} | {a * 1000:.1f} ms ({min(ours[key]) * 1000:.1f}) | {b * 1000:.1f} ms ({min(theirs[key]) * 1000:.1f}) | "
              f"{a / b:.2f}× | {' '.join(f'{r:.2f}' for r in per_round)} | {flops / a / 1e9:.1f} |")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "prepare":
        prepare(Path(sys.argv[2]), sys.argv[3], sys.argv[4])
    elif command == "ort":
        ort_times(Path(sys.argv[2]), int(sys.argv[3]))
    elif command == "summary":
        summary(Path(sys.argv[2]))
    else:
        sys.exit(__doc__)
