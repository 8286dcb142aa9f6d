"""Reference fixtures for DB post-processing (run through scripts/reference/ocr-reference).

Everything expected here comes from rapidocr 3.10.0's own code: its `DBPostProcess` class (OpenCV,
pyclipper and shapely underneath), `cv2.fillPoly` and `pyclipper.PyclipperOffset`. The inputs are
synthetic probability maps drawn by this script with a fixed seed, so the output is deterministic.
"""
import base64
import json
import sys
from pathlib import Path

import cv2
import numpy as np
import pyclipper
from rapidocr.ch_ppocr_det.utils import DBPostProcess

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "Tests" / "PerceptionTests" / "Fixtures" / "db-postprocess.json"
RNG = np.random.default_rng(20261201)


def rotated_rect(cx, cy, w, h, angle):
    return cv2.boxPoints(((cx, cy), (w, h), angle)).astype(np.int32)


def draw_map(width, height, kind):
    """A float map in [0, 1] shaped like a detector's output: blurred text kernels on a noisy floor."""
    m = RNG.uniform(0.0, 0.12, (height, width)).astype(np.float32)
    count = int(RNG.integers(6, 15))
    for _ in range(count):
        w = float(RNG.uniform(4, width * 0.35))
        h = float(RNG.uniform(3, 14))
        cx, cy = float(RNG.uniform(0, width)), float(RNG.uniform(0, height))
        angle = float(RNG.choice([0.0, 0.0, RNG.uniform(-30, 30), 90.0]))
        level = float(RNG.uniform(0.6, 0.98) if RNG.uniform() < 0.75 else RNG.uniform(0.32, 0.5))
        cv2.fillPoly(m, [rotated_rect(cx, cy, w, h, angle)], level)
    if kind == "holes":
        for _ in range(2):  # rings: a bright frame around a dim hole, so RETR_LIST also yields holes
            cx, cy = float(RNG.uniform(20, width - 20)), float(RNG.uniform(15, height - 15))
            cv2.fillPoly(m, [rotated_rect(cx, cy, 34, 20, 0)], 0.95)
            cv2.fillPoly(m, [rotated_rect(cx, cy, float(RNG.uniform(4, 14)), 6, 0)], 0.25)
    if kind == "edges":
        cv2.fillPoly(m, [rotated_rect(3, height / 2, 12, 30, 0)], 0.9)
        cv2.fillPoly(m, [rotated_rect(width - 2, 5, 40, 14, 10)], 0.9)
    if kind == "specks":
        for _ in range(12):  # single pixels and 2-pixel dots: below the minimum size
            x, y = int(RNG.integers(0, width - 2)), int(RNG.integers(0, height - 2))
            m[y:y + int(RNG.integers(1, 3)), x:x + int(RNG.integers(1, 3))] = 0.9
    if kind != "sharp":
        m = cv2.GaussianBlur(m, (5, 5), 1.2)
    # Quantise so that both sides read exactly the same floats: value = byte / 255.
    q = np.clip(np.round(m * 255), 0, 255).astype(np.uint8)
    return q


def db_cases():
    cases = []
    layouts = [
        (160, 96, 160, 96, "plain"), (160, 96, 320, 192, "plain"), (128, 128, 200, 150, "plain"),
        (192, 64, 192, 64, "holes"), (160, 120, 160, 120, "holes"), (96, 96, 96, 96, "edges"),
        (160, 96, 123, 77, "edges"), (128, 96, 128, 96, "specks"), (160, 96, 160, 96, "sharp"),
        (224, 128, 448, 256, "plain"), (96, 160, 96, 160, "plain"), (160, 96, 160, 96, "holes"),
    ]
    post = DBPostProcess(thresh=0.3, box_thresh=0.5, max_candidates=1000, unclip_ratio=1.6,
                         score_mode="fast", use_dilation=True)
    for i, (w, h, dw, dh, kind) in enumerate(layouts):
        q = draw_map(w, h, kind)
        pred = (q.astype(np.float32) / np.float32(255))[None, None, :, :]
        boxes, scores = post(pred, (dh, dw))
        cases.append({
            "name": f"{kind}-{i}", "width": w, "height": h, "destinationWidth": dw, "destinationHeight": dh,
            "map": base64.b64encode(q.tobytes()).decode(),
            "boxes": [[[float(x), float(y)] for x, y in b] for b in np.asarray(boxes).reshape(-1, 4, 2)],
            "scores": [float(s) for s in scores],
        })
    return cases


def fill_cases():
    """Masks exactly as box_score_fast makes them: a rotated box's corners relative to its bounding
    crop, truncated to integers, filled by cv2.fillPoly."""
    cases = []
    for _ in range(60):
        box = cv2.boxPoints(((float(RNG.uniform(10, 40)), float(RNG.uniform(10, 40))),
                             (float(RNG.uniform(2, 30)), float(RNG.uniform(2, 14))),
                             float(RNG.uniform(-60, 60))))
        xmin, ymin = int(np.floor(box[:, 0].min())), int(np.floor(box[:, 1].min()))
        xmax, ymax = int(np.ceil(box[:, 0].max())), int(np.ceil(box[:, 1].max()))
        pts = (box - [xmin, ymin]).astype(np.int32)
        mask = np.zeros((ymax - ymin + 1, xmax - xmin + 1), np.uint8)
        cv2.fillPoly(mask, pts.reshape(1, -1, 2), 1)
        cases.append({"polygon": pts.tolist(), "width": mask.shape[1], "height": mask.shape[0],
                      "mask": "".join(map(str, mask.reshape(-1)))})
    return cases


def offset_cases():
    cases = []
    for _ in range(40):
        cx, cy = RNG.uniform(10, 300, 2)
        w, h = RNG.uniform(2, 200), RNG.uniform(2, 30)
        box = cv2.boxPoints(((cx, cy), (w, h), float(RNG.uniform(-45, 45)))).astype(np.float64)
        # DB grows boxes of short side >= 3 by area x 1.6 / perimeter >= 1.2; below 1 px Clipper's
        # tidying union invents vertices, a case DB never reaches.
        distance = float(RNG.uniform(1.2, 12))
        off = pyclipper.PyclipperOffset()
        off.AddPath(box, pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
        out = off.Execute(distance)
        cases.append({"polygon": box.tolist(), "distance": distance,
                      "offset": [[float(x), float(y)] for poly in out for x, y in poly]})
    return cases


def main():
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    data = {"db": db_cases(), "fill": fill_cases(), "offset": offset_cases()}
    FIXTURE.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"wrote {FIXTURE.relative_to(ROOT)}: {len(data['db'])} maps "
          f"({sum(len(c['boxes']) for c in data['db'])} boxes), {len(data['fill'])} fills, "
          f"{len(data['offset'])} offsets", file=sys.stderr)


if __name__ == "__main__":
    main()
