"""Reference side of scripts/bench-minilm: the same inputs and protocol as Benchmarks/MiniLMBenchmark, run by
sentence-transformers on torch and by onnxruntime, plus the input builder and the report.

  minilm_bench.py inputs DATA_DIR OUT.json           40-line batches from sroie-dev ground truth + questions
  minilm_bench.py export OUT.onnx                      BertModel → ONNX (last hidden state), once per run
  minilm_bench.py torch|onnx INPUTS OUT REPEATS THREADS [ONNX]   timings and embeddings
  minilm_bench.py report RESULT.json...                the markdown table for docs/benchmarks.md
"""
import csv
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "minilm"
MAX_LENGTH = 256
LINES_PER_BATCH = 40
BATCHES = 10
# Questions of the kind a template asks; chosen before looking at any timing.
QUESTIONS = [
    "What is the total amount?", "What is the date of the receipt?", "Who issued this receipt?",
    "What is the address of the store?", "How much tax was charged?", "What is the invoice number?",
    "Which payment method was used?", "What is the phone number of the company?",
]


def build_inputs(data_dir, out):
    """The first BATCHES receipts (in file order) that have at least LINES_PER_BATCH lines: their first lines."""
    batches = []
    for path in sorted((Path(data_dir) / "box").glob("*.csv")):
        with open(path, encoding="utf-8", errors="replace", newline="") as f:
            lines = [",".join(row[8:]) for row in csv.reader(f) if len(row) > 8]
        if len(lines) >= LINES_PER_BATCH:
            batches.append(lines[:LINES_PER_BATCH])
        if len(batches) == BATCHES:
            break
    Path(out).write_text(json.dumps({"batches": batches, "questions": QUESTIONS}, ensure_ascii=False))


def export_onnx(out):
    import torch
    from transformers import AutoModel
    model = AutoModel.from_pretrained(str(MODEL), attn_implementation="eager").eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = model

        def forward(self, input_ids, attention_mask):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    ids = torch.ones((2, 8), dtype=torch.int64)
    torch.onnx.export(LastHiddenState(), (ids, torch.ones_like(ids)), out, dynamo=False, opset_version=17,
                      input_names=["input_ids", "attention_mask"], output_names=["hidden"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "sequence"},
                                    "attention_mask": {0: "batch", 1: "sequence"},
                                    "hidden": {0: "batch", 1: "sequence"}})


def torch_encoder(threads):
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    torch.set_num_threads(threads)
    transformer = Transformer(str(MODEL), max_seq_length=MAX_LENGTH)
    pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
    model = SentenceTransformer(modules=[transformer, pooling, Normalize()], device="cpu")
    return lambda texts: model.encode(texts, batch_size=64, convert_to_numpy=True)


def onnx_encoder(onnx_path, threads):
    import numpy as np
    import onnxruntime
    from tokenizers import Tokenizer
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = onnxruntime.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(MODEL / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=MAX_LENGTH)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    def encode(texts):
        encodings = tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        hidden = session.run(["hidden"], {"input_ids": ids, "attention_mask": mask})[0]
        weights = mask[:, :, None].astype(np.float32)
        mean = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)
    return encode


def run(implementation, inputs_path, out, repeats, threads, onnx_path=None):
    inputs = json.loads(Path(inputs_path).read_text())
    start = time.perf_counter()
    encode = torch_encoder(threads) if implementation == "torch" else onnx_encoder(onnx_path, threads)
    load = (time.perf_counter() - start) * 1e3
    batch_embeddings = [encode(b).tolist() for b in inputs["batches"]]          # also the warm-up
    question_embeddings = [encode([q])[0].tolist() for q in inputs["questions"]]
    batch_times, question_times = [], []
    for _ in range(repeats):
        for batch in inputs["batches"]:
            start = time.perf_counter()
            encode(batch)
            batch_times.append((time.perf_counter() - start) * 1e3)
        for question in inputs["questions"]:
            start = time.perf_counter()
            encode([question])
            question_times.append((time.perf_counter() - start) * 1e3)
    Path(out).write_text(json.dumps({
        "implementation": implementation, "threads": threads, "loadMilliseconds": load,
        "batchMilliseconds": batch_times, "questionMilliseconds": question_times,
        "batchEmbeddings": batch_embeddings, "questionEmbeddings": question_embeddings}))


def report(paths):
    """One row per implementation and thread count: medians over every sample of every round."""
    import numpy as np
    results = {}
    for path in paths:
        r = json.loads(Path(path).read_text())
        entry = results.setdefault((r["threads"], r["implementation"]), {"batch": [], "question": [], "load": []})
        entry["batch"] += r["batchMilliseconds"]
        entry["question"] += r["questionMilliseconds"]
        entry["load"].append(r["loadMilliseconds"])
        entry["embeddings"] = np.array([v for b in r["batchEmbeddings"] for v in b] + r["questionEmbeddings"])
    print("| threads | implementation | 40-line batch, median ms | ms per line | one question, median ms | load ms "
          "| qzoom ÷ this, batch | qzoom ÷ this, question | min cosine to qzoom |")
    print("|---|---|---|---|---|---|---|---|---|")
    for (threads, name), entry in sorted(results.items(), key=lambda kv: (kv[0][0], kv[0][1] != "qzoom", kv[0][1])):
        ours = results[(threads, "qzoom")]
        batch, question = statistics.median(entry["batch"]), statistics.median(entry["question"])
        ours_batch, ours_question = statistics.median(ours["batch"]), statistics.median(ours["question"])
        cosine = float(np.min(np.sum(entry["embeddings"] * ours["embeddings"], axis=1)))
        print(f"| {threads} | {name} | {batch:.1f} | {batch / LINES_PER_BATCH:.2f} | {question:.2f} "
              f"| {statistics.median(entry['load']):.0f} | {ours_batch / batch:.2f} | {ours_question / question:.2f} "
              f"| {cosine:.7f} |")
    counts = {len(e["batch"]) for e in results.values()}, {len(e["question"]) for e in results.values()}
    print(f"\nSamples per row: {'/'.join(map(str, sorted(counts[0])))} batches, "
          f"{'/'.join(map(str, sorted(counts[1])))} questions.")


def main():
    mode = sys.argv[1]
    if mode == "inputs":
        build_inputs(sys.argv[2], sys.argv[3])
    elif mode == "export":
        export_onnx(sys.argv[2])
    elif mode in ("torch", "onnx"):
        run(mode, sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6] if len(sys.argv) > 6 else None)
    elif mode == "report":
        report(sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
