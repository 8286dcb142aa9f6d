"""PP-OCR parity fixtures (run through scripts/reference/ppocr-reference).

onnxruntime runs the three bundled models on inputs made here: text rendered with Pillow's built-in
font, and tensors from a 32-bit LCG that the Swift tests reproduce exactly. Preprocessing follows
rapidocr 3.10.0 (BGR channel order, (x / 255 - 0.5) / 0.5, zero padding on the right for lines).
Only what the tests compare is stored: full probability maps for the detector, the top 5 classes per
time step for the recognizer (its output is 18710 wide), full outputs for the classifier.
"""
import base64
import json
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "models" / "ppocr"
OUT = ROOT / "Tests" / "PerceptionTests" / "Fixtures" / "ppocr-reference.json"
TOP_K = 5


def lcg(count, seed):
    """Uniform floats in [-1, 1): x ← 1664525·x + 1013904223 mod 2³², value = (x >> 8) / 2²³ − 1."""
    out = np.empty(count, dtype=np.float32)
    x = seed & 0xFFFFFFFF
    for i in range(count):
        x = (1664525 * x + 1013904223) & 0xFFFFFFFF
        out[i] = np.float32((x >> 8) / float(1 << 23) - 1.0)
    return out


def render(text_lines, width, height, size, origin=(6, 6), spacing=4):
    """Dark text on a light, slightly uneven background, as RGB uint8."""
    image = Image.new("RGB", (width, height), (246, 243, 236))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=size)
    x, y = origin
    for line in text_lines:
        draw.text((x, y), line, fill=(24, 24, 28), font=font)
        y += size + spacing
    return np.asarray(image, dtype=np.uint8)


def to_tensor(rgb):
    """rapidocr feeds BGR; normalise to [-1, 1] and lay out as CHW."""
    bgr = rgb[:, :, ::-1].astype(np.float32)
    return ((bgr / 255.0 - 0.5) / 0.5).transpose(2, 0, 1)


def b64(array, dtype):
    return base64.b64encode(np.ascontiguousarray(array, dtype=dtype).tobytes()).decode()


def session(name):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    return ort.InferenceSession(str(MODELS / name), options, providers=["CPUExecutionProvider"])


def top_k(probs):
    """probs [N, T, C] → per line, per step: the K best class ids and their probabilities."""
    ids = np.argsort(-probs, axis=2, kind="stable")[:, :, :TOP_K]
    values = np.take_along_axis(probs, ids, axis=2)
    return ids.tolist(), values.astype(np.float64).round(7).tolist()


def ctc_decode(probs, characters):
    """rapidocr's CTCLabelDecode: argmax, drop repeats, drop blank (0); the list is blank + keys + space."""
    table = ["blank"] + characters + [" "]
    texts = []
    for line in probs:
        ids = line.argmax(axis=1)
        keep = np.ones(len(ids), dtype=bool)
        keep[1:] = ids[1:] != ids[:-1]
        keep &= ids != 0
        texts.append("".join(table[i] for i in ids[keep]))
    return texts


def main():
    fixture = {"generator": "scripts/reference/ppocr-reference", "onnxruntime": ort.__version__, "topK": TOP_K}

    # Detector: a rendered receipt fragment, and a random tensor.
    det = session("PP-OCRv6_det_small.onnx")
    page = render(["TOTAL RM 12.50", "GST 6% 0.71", "THANK YOU"], 160, 64, 14)
    page_prob = det.run(None, {"x": to_tensor(page)[None]})[0]
    random_shape = [1, 3, 64, 96]
    random_input = lcg(int(np.prod(random_shape)), seed=7).reshape(random_shape)
    random_prob = det.run(None, {"x": random_input})[0]
    fixture["detector"] = {
        "image": {"width": 160, "height": 64, "rgb": b64(page, np.uint8),
                  "probability": b64(page_prob[0, 0], np.float32)},
        "random": {"shape": random_shape, "seed": 7, "probability": b64(random_prob[0, 0], np.float32)},
    }

    # Recognizer: rendered lines at the model's height (48), padded to the widest; and a random batch.
    rec = session("PP-OCRv6_rec_small.onnx")
    characters = rec.get_modelmeta().custom_metadata_map["character"].splitlines()
    texts = ["TOTAL RM 12.50", "Invoice No: 2018/0042", "Cash 50.00 Change 2.75"]
    lines = [render([t], 16 + 13 * len(t), 48, 26, origin=(6, 8)) for t in texts]
    width = max(line.shape[1] for line in lines)
    batch = np.zeros((len(lines), 3, 48, width), dtype=np.float32)
    for i, line in enumerate(lines):
        batch[i, :, :, : line.shape[1]] = to_tensor(line)
    probs = rec.run(None, {"x": batch})[0]
    ids, values = top_k(probs)
    rec_random_shape = [2, 3, 48, 96]
    rec_random = lcg(int(np.prod(rec_random_shape)), seed=11).reshape(rec_random_shape)
    random_probs = rec.run(None, {"x": rec_random})[0]
    random_ids, random_values = top_k(random_probs)
    fixture["recognizer"] = {
        "characterCount": len(characters),
        "lines": [{"width": line.shape[1], "rgb": b64(line, np.uint8), "text": text}
                  for line, text in zip(lines, texts)],
        "steps": probs.shape[1], "classes": probs.shape[2],
        "topIds": ids, "topProbabilities": values,
        "decoded": ctc_decode(probs, characters),
        "random": {"shape": rec_random_shape, "seed": 11, "topIds": random_ids, "topProbabilities": random_values},
    }

    # Orientation classifier: each line upright and turned 180°, resized as rapidocr does is not needed
    # here: the inputs are the line images cropped/padded to 48×192.
    cls = session("ch_ppocr_mobile_v2.0_cls_mobile.onnx")
    cls_batch = np.zeros((2 * len(lines), 3, 48, 192), dtype=np.float32)
    for i, line in enumerate(lines):
        crop = line[:, :192]
        cls_batch[2 * i, :, :, : crop.shape[1]] = to_tensor(crop)
        cls_batch[2 * i + 1, :, :, : crop.shape[1]] = to_tensor(crop[::-1, ::-1])
    cls_out = cls.run(None, {"x": cls_batch})[0]
    fixture["classifier"] = {"probabilities": cls_out.astype(np.float64).round(7).tolist()}

    OUT.write_text(json.dumps(fixture, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    sys.exit(main())
