"""Reference fixtures for the MiniLM tokenizer and encoder (run through scripts/reference/minilm-reference).

Everything here comes from implementations that are not ours: HF `tokenizers` reading the model's own
tokenizer.json, and sentence-transformers running the model on torch. The output is deterministic.
"""
import itertools
import json
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "minilm"
FIXTURES = ROOT / "Tests" / "PerceptionTests" / "Fixtures"
TABLES = ROOT / "Sources" / "Perception" / "BertCharacterTables.swift"
DIGEST_BLOCK = 0x1000          # scalars per digest block (the Swift test uses the same)
EMBEDDING_MAX_LENGTH = 256     # sentence-transformers' max_seq_length for all-MiniLM-L6-v2
BATCH_MAX_LENGTHS = (16, 128, 256, 512)

# ---------------------------------------------------------------------------------------------
# The strings. Hand-written lists by theme, then combinations; order is fixed.

RECEIPT_LINES = [
    "TAX INVOICE", "SIMPLIFIED TAX INVOICE", "CASH SALES", "OFFICIAL RECEIPT",
    "KEDAI BUKU PELANGI SDN BHD (123456-X)", "GST REG NO : 000123456789", "GST ID: 001234567890",
    "NO. 12, JALAN BUNGA RAYA 3/4, TAMAN MELATI,", "53100 KUALA LUMPUR, MALAYSIA.",
    "LOT 2-G, JLN SS 2/72, 47300 PETALING JAYA, SELANGOR", "Tel: 03-7865 4321  Fax: 03-7865 4322",
    "Mobile/Whatsapp : +6012-345 6789", "Invoice No.: INV-2018/000123", "Receipt#: CS00012345",
    "Date : 15/03/2018  Time : 10:46:21 AM", "DATE: 2018-03-15 14:02", "Cashier : NURUL  Counter: 02",
    "Table: 12  Pax: 4", "Description            Qty   Price    Amount",
    "1 x MILO ICE                 3.50 SR", "2 X NASI LEMAK AYAM @ 7.90    15.80",
    "A4 PAPER 80GSM (500'S)  1  12.90  12.90 SR", "CARD COVER (SJB-4013) 2 PCS", "PEN BLUE 0.5MM x3",
    "Sub Total (Excl. GST)   RM 44.58", "Total Sales Inclusive GST @6%   47.25", "GST @ 6%  2.67",
    "Service Charge 10%   4.46", "Rounding Adj   -0.02", "Round. Adj. 0.03", "TOTAL   RM 47.25",
    "TOTAL AMOUNT DUE (RM) : 1,234.50", "Grand Total: RM1,280.00", "Cash   50.00", "Change   2.75",
    "VISA ************1234", "Approval Code: 00123A", "Total Qty: 3  Total Items: 2",
    "GST Summary   Amount(RM)   Tax(RM)", "SR = 6%, ZR = 0%", "SR @6%   44.58   2.67",
    "Goods sold are not returnable & refundable", "THANK YOU. PLEASE COME AGAIN !",
    "*** Thank you for shopping with us ***", "Please keep this receipt for warranty purposes.",
    "Powered by XYZ POS v2.1", "Member ID: 88001234 Points earned: 47",
    "CHOP & SIGNATURE ______________", "E. & O.E.", "Page 1 of 2", "Bill To: Tan Ah Kow",
    "Payment terms: 30 days", "Due date: 14/04/2018", "Bank: Maybank 5140-1234-5678",
    "Amount in words: One Thousand Two Hundred Eighty Ringgit Only",
]

QUESTIONS = [
    "What is the total amount?", "What is the date of the receipt?", "Who issued this receipt?",
    "What is the company name?", "What is the address of the store?", "How much GST was charged?",
    "What's the invoice number?", "When was this invoice issued?", "Read the small print at the bottom.",
    "total", "invoice date", "company", "address", "What is the total amount (including tax)?",
    "Which payment method was used?", "How many items were bought?", "Is there a discount?",
    "what is the grand total in RM", "WHAT IS THE TOTAL?", "Qual é o valor total?",
    "Quel est le montant total ?", "Wie hoch ist der Gesamtbetrag?", "¿Cuál es el importe total?",
    "合计金额是多少？",
]

PUNCTUATION = [
    "!!!", "...", "?!?!", "--", "—", "– – –", "“quoted”", "‘single’", "«guillemets»", "„German“",
    "(a)[b]{c}<d>", "@#$%^&*", "~`|\\", "a.b.c", "e-mail", "don't", "rock'n'roll", "1+1=2", "50%",
    "$1,000", "€12,50", "£3", "¥500", "#hashtag", "http://example.com/path?q=1&x=2", "foo.bar@example.com",
    "C:\\Users\\qzoom\\file.pdf", "••••", "※", "¶ §", "‰", "№ 5", "25°C", "…", "、。「」", "！？",
    "·‧∙", "_under_score_", "/*comment*/", ":-)", "=====", "*****", "+-+-", "a/b\\c|d",
]

ACCENTS = [
    "café", "naïve", "résumé", "Ångström", "Straße", "São Paulo", "Ñandú", "Müller", "Œuvre", "Øresund",
    "Łódź", "Dvořák", "İstanbul", "ıi", "Ελληνικά", "ΟΔΟΣ", "Москва", "ÉCOLE NORMALE", "Tiếng Việt",
    "Hà Nội", "Zürich", "Ærø", "Ça va?", "piñata", "ÅSA", "Kraków", "Señor García",
    "e\u0301", "a\u0301\u0316", "n\u0303o", "A\u030a", "o\u0308\u0304", "q\u0307\u0323", "ǅemal",
]

SCRIPTS = [
    "我爱北京天安门", "東京都渋谷区", "ひらがなカタカナ", "한국어 텍스트", "가나다", "ภาษาไทย",
    "العربية", "مَرْحَبًا", "עִבְרִית", "हिन्दी", "ಕನ್ನಡ", "日本語とEnglishの混在", "RM12.50元",
    "豈更", "𠀀𠀁", "𪜀", "\U0002b820", "\U0002b920", "𫝀", "ｶﾀｶﾅ", "Ｔｏｔａｌ：ＲＭ１２．５０",
    "ﬁnancial ﬂow", "Ⅻ", "ᄀᄁ", "ㄱㄴ", "ꙮ", "𝐓𝐨𝐭𝐚𝐥", "Ω ≈ ∑ ∞", "→ ← ↑",
]

EMOJI = [
    "👍", "👍🏽", "👨‍👩‍👧", "🇲🇾", "1️⃣", "🥹", "❤️", "Thanks 😊!", "☕ coffee", "✓ done", "★★★☆☆",
]

NUMBERS = [
    "1,234,567.89", "1.234.567,89", "12 345,67", "0.001", "-42", "+6012-345 6789", "3.14159", "1e-10",
    "007", "2018-03-15", "15/03/2018", "03.15.18", "10:46:21", "12:00PM", "9am-5pm", "RM1,000.00",
    "No.12A", "1/2", "½", "²³", "①②", "٣٤٥", "१२३", "#12-34", "(0.50)", "100.00-", "x2", "2x", "0",
]

LONG_WORDS = [
    "a" * 100, "a" * 101, "x" * 150, "\u00e9" * 100, "\u00e9" * 101, "e\u0301" * 60, "antidisestablishmentarianism",
    "supercalifragilisticexpialidocious", "pneumonoultramicroscopicsilicovolcanoconiosis",
    "ab" * 55 + " short", "INV" + "0123456789" * 10, "www" + "qzoomexample" * 9 + "com",
]

SPACES_AND_CONTROLS = [
    "", " ", "   ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u2003", "\u200b", "\ufeff", "a\u0000b",
    "a\u0007b", "a\u001bb", "\u0085", "a\u000bb", "a\u000cb", "soft\u00adhyphen", "zero\u200dwidth",
    "a\u2028b", "\ufffd", "tab\tseparated\tvalues", "line1\nline2\r\nline3", "\ue000 private",
    "\U000f0000", "\u0378 unassigned", "\uffff", "\x7f\x80\x9f", "x\u001cy\u001fz", "  leading and trailing  ",
]

# Characters where the reference's frozen Unicode tables differ from newer Unicode versions.
TABLE_EDGES = [
    "a\u2e5db", "a\u166db", "a\u0890b", "\U00011938", "a\U0001343fb", "a\u0897b", "a\u061db", "a\U000111c9b",
    "a\u0c77b", "\U00011938\u0301",
]

SPECIAL_TOKENS = [
    "hello [MASK] world", "[mask] x", "x[CLS]y", "[[UNK]]", "[PAD]", "[SEP][SEP]", "[MASK[MASK]]",
    "[ MASK ]", "What is [MASK]?",
]


def combinations():
    labels = ["TOTAL", "Sub Total", "GST 6%", "Rounding", "Cash", "Change", "Total Incl. GST"]
    amounts = ["RM 12.50", "12.50", "1,234.56", "RM0.05", "-0.02"]
    out = [f"{l} {a}" for l, a in itertools.product(labels, amounts)]
    days = [(2018, 3, 5), (2017, 12, 31), (2019, 1, 1)]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    for y, m, d in days:
        out += [f"{d:02d}/{m:02d}/{y}", f"{d:02d}-{m:02d}-{y}", f"{y}-{m:02d}-{d:02d}",
                f"{d} {months[m - 1]} {y}", f"{d:02d}.{m:02d}.{y % 100:02d}", f"{months[m - 1]} {d}, {y}"]
    names = ["SANYU STATIONERY", "MR D.I.Y.", "ABC TRADING", "KEDAI RUNCIT AH HOCK", "99 SPEEDMART",
             "GARDENIA BAKERIES (KL)"]
    suffixes = [" SDN BHD", " SDN. BHD.", " (M) SDN BHD", " ENTERPRISE", " BERHAD"]
    out += [n + s for n, s in itertools.product(names, suffixes)]
    streets = ["JALAN SETIA", "JLN. PUTRA", "LORONG HAJI TAIB"]
    for i, street in enumerate(streets):
        out.append(f"NO. {i * 17 + 3}, {street} {i + 1}/{i + 7}, {50000 + i * 1234} KUALA LUMPUR")
    items = ["KOPI O", "ROTI CANAI", "A4 PAPER", "STAPLER (NO.10)"]
    for (i, item), qty in itertools.product(enumerate(items), [1, 3]):
        price = 1.2 + i * 2.35
        out.append(f"{qty} x {item}  @{price:.2f}  {qty * price:.2f}")
    return out


def long_texts():
    receipt = "\n".join(RECEIPT_LINES)
    sentence = ("The quick brown fox jumps over the lazy dog while the cashier prints receipt "
                "number 000123 for RM 45.60, including 6% GST. ")
    return [
        receipt,                           # ~500 tokens: exercises truncation at 128, 256 and 512
        sentence * 8,                      # ~250 tokens
        " ".join(QUESTIONS),
        receipt + "\n" + receipt,          # > 512 tokens
    ]


def all_strings():
    groups = [RECEIPT_LINES, QUESTIONS, PUNCTUATION, ACCENTS, SCRIPTS, EMOJI, NUMBERS, LONG_WORDS,
              SPACES_AND_CONTROLS, TABLE_EDGES, SPECIAL_TOKENS, combinations(), long_texts()]
    seen, out = set(), []
    for s in itertools.chain.from_iterable(groups):
        if s not in seen:
            seen.add(s)
            out.append(s)
    return out


# The ~40 strings whose sentence embeddings the BERT forward pass must reproduce.
EMBEDDED = (QUESTIONS[:12] + RECEIPT_LINES[:14] + ["café", "Straße", "我爱北京天安门", "한국어 텍스트",
            "Thanks 😊!", "1,234,567.89", "", "   ", "hello [MASK] world", "a" * 101, "ΟΔΟΣ"]
            + long_texts()[:2])

# ---------------------------------------------------------------------------------------------


def load_tokenizer():
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(str(MODEL / "tokenizer.json"))
    vocab_txt = (MODEL / "vocab.txt").read_text(encoding="utf-8").split("\n")
    if vocab_txt and vocab_txt[-1] == "":
        vocab_txt.pop()
    if {t: i for i, t in enumerate(vocab_txt)} != tok.get_vocab():
        sys.exit("vocab.txt and tokenizer.json disagree; the Swift tokenizer reads vocab.txt")
    return tok


def write_json(path, obj):
    """One case per line keeps the fixture diffable and small."""
    path.parent.mkdir(parents=True, exist_ok=True)
    head = {k: v for k, v in obj.items() if not isinstance(v, list)}
    lines = ["{"] + [f"  {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items()]
    lists = [(k, v) for k, v in obj.items() if isinstance(v, list)]
    for n, (k, v) in enumerate(lists):
        lines.append(f"  {json.dumps(k)}: [")
        lines += [f"    {json.dumps(x, ensure_ascii=True)}{',' if i + 1 < len(v) else ''}" for i, x in enumerate(v)]
        lines.append("  ]" + ("," if n + 1 < len(lists) else ""))
    lines.append("}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_tokens(tok):
    import tokenizers
    strings = all_strings()
    tok.no_truncation()
    tok.no_padding()
    cases = [{"text": s, "ids": e.ids} for s, e in zip(strings, tok.encode_batch(strings))]
    batches = []
    long_start = len(strings) - len(long_texts())
    for n, max_length in enumerate(BATCH_MAX_LENGTHS):
        # A mix of short strings, empty ones and the long texts, so padding and truncation both show.
        picks = list(range(n * 7, n * 7 + 6)) + [strings.index(""), long_start + n % len(long_texts())]
        tok.enable_truncation(max_length=max_length)
        tok.enable_padding(pad_id=0, pad_token="[PAD]")
        enc = tok.encode_batch([strings[i] for i in picks])
        batches.append({"maxLength": max_length, "cases": picks, "ids": [e.ids for e in enc],
                        "attentionMask": [e.attention_mask for e in enc]})
    tok.no_truncation()
    tok.no_padding()
    write_json(FIXTURES / "minilm-tokens.json", {
        "reference": f"tokenizers {tokenizers.__version__} on models/minilm/tokenizer.json, no truncation or padding",
        "cases": cases, "batches": batches})
    print(f"minilm-reference: {len(cases)} strings, {len(batches)} batches → {FIXTURES / 'minilm-tokens.json'}")


def fnv1a64(data: bytes) -> int:
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def scalars():
    return [cp for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF]


def write_scalar_digests(tok):
    """For every Unicode scalar, alone: the normalized text, its pre-tokenizer class and its ids.

    Per block of DIGEST_BLOCK scalars one FNV-1a 64 digest of the records below, so the Swift test
    checks all 1,112,064 scalars against the reference without a 1M-line fixture.
      record = normalized UTF-8 · 0xFF · class ('P' punctuation, 'S' whitespace, '-') · 0xFF · ids, comma-separated · 0xFF
    """
    from tokenizers import pre_tokenizers
    import tokenizers
    pre = pre_tokenizers.BertPreTokenizer()
    tok.no_truncation()
    tok.no_padding()
    cps = scalars()
    texts = [chr(cp) for cp in cps]
    encodings = tok.encode_batch(texts, add_special_tokens=False)
    blocks = {}
    for cp, text, enc in zip(cps, texts, encodings):
        normalized = tok.normalizer.normalize_str(text)
        kind = {3: "P", 2: "S", 1: "-"}[len(pre.pre_tokenize_str("a" + text + "a"))]
        record = (normalized.encode("utf-8") + b"\xff" + kind.encode() + b"\xff"
                  + ",".join(map(str, enc.ids)).encode() + b"\xff")
        blocks.setdefault(cp // DIGEST_BLOCK, []).append(record)
    digests = [f"{fnv1a64(b''.join(blocks[k])):016x}" for k in sorted(blocks)]
    write_json(FIXTURES / "minilm-scalar-digests.json", {
        "reference": f"tokenizers {tokenizers.__version__} on models/minilm/tokenizer.json",
        "blockSize": DIGEST_BLOCK,
        "record": "normalized UTF-8, 0xFF, pre-tokenizer class of the raw scalar (P/S/-), 0xFF, ids joined by ',', 0xFF",
        "digests": digests})
    print(f"minilm-reference: digests of {len(cps)} scalars in {len(digests)} blocks")


def ranges(codepoints):
    out = []
    for cp in sorted(codepoints):
        if out and out[-1][1] == cp - 1:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return out


def write_tables():
    """Measures, scalar by scalar, which characters the reference deletes, isolates as punctuation,
    treats as CJK, and strips as nonspacing marks, and writes them as Swift range tables."""
    from tokenizers import normalizers, pre_tokenizers
    import tokenizers
    clean = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=False, strip_accents=False, lowercase=False)
    cjk = normalizers.BertNormalizer(clean_text=False, handle_chinese_chars=True, strip_accents=False, lowercase=False)
    strip = normalizers.BertNormalizer(clean_text=False, handle_chinese_chars=False, strip_accents=True, lowercase=False)
    pre = pre_tokenizers.BertPreTokenizer()
    removed, punctuation, chinese, marks = [], [], [], []
    for cp in scalars():
        c = chr(cp)
        if clean.normalize_str(c) == "":
            removed.append(cp)
        if cp > 0x7F and len(pre.pre_tokenize_str("a" + c + "a")) == 3:
            punctuation.append(cp)
        if cjk.normalize_str(c) == f" {c} ":
            chinese.append(cp)
        # A scalar that NFD leaves alone and accent stripping deletes is a nonspacing mark to the reference.
        if unicodedata.normalize("NFD", c) == c and strip.normalize_str(c) == "":
            marks.append(cp)

    def table(name, doc, cps):
        pairs = ranges(cps)
        rows = [", ".join(f"0x{a:X}, 0x{b:X}" for a, b in pairs[i:i + 6]) for i in range(0, len(pairs), 6)]
        body = ",\n".join("        " + r for r in rows)
        return f"    /// {doc}\n    static let {name}: [UInt32] = [\n{body},\n    ]\n"

    text = (
        f"// Generated by scripts/reference/minilm-reference from tokenizers {tokenizers.__version__}. Do not edit.\n"
        "//\n"
        "// HF `tokenizers` classifies characters with frozen Unicode tables that are older than the ones in\n"
        "// Swift's standard library (against Swift 6.3, about 140 punctuation and 500 nonspacing-mark scalars\n"
        "// differ), so exact parity needs the reference's own sets. Each table is a sorted list of closed\n"
        "// ranges, stored as (first, last) pairs of scalar values.\n\n"
        "enum BertCharacterTables {\n"
        + table("removed", "Scalars that clean-text deletes: NUL, U+FFFD and the reference's control, format and private-use scalars.", removed)
        + "\n" + table("punctuation", "Non-ASCII scalars the pre-tokenizer isolates as punctuation (the reference's P* categories).", punctuation)
        + "\n" + table("chinese", "CJK ideographs that get spaces around them, as the reference's hard-coded ranges define them.", chinese)
        + "\n" + table("nonspacingMarks", "Scalars (in NFD form) that accent stripping deletes: the reference's Mn category.", marks)
        + "}\n")
    TABLES.parent.mkdir(parents=True, exist_ok=True)
    TABLES.write_text(text, encoding="utf-8")
    print(f"minilm-reference: tables → {TABLES} ({len(removed)} removed, {len(punctuation)} punctuation, "
          f"{len(chinese)} chinese, {len(marks)} marks)")


def write_embeddings():
    import torch
    import sentence_transformers
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    torch.set_num_threads(2)
    strings = all_strings()
    missing = [s for s in EMBEDDED if s not in strings]
    if missing:
        sys.exit(f"embedded strings must be token cases too: {missing!r}")
    # The model folder holds the Hugging Face files only; these are the modules of all-MiniLM-L6-v2's modules.json.
    transformer = Transformer(str(MODEL), max_seq_length=EMBEDDING_MAX_LENGTH)
    pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
    model = SentenceTransformer(modules=[transformer, pooling, Normalize()], device="cpu")
    # The encoder must see exactly the ids of the token fixture, cut to maxLength, or the fixture lies.
    tok = load_tokenizer()
    tok.no_padding()
    tok.enable_truncation(max_length=EMBEDDING_MAX_LENGTH)
    for s in EMBEDDED:
        if model.preprocess([s])["input_ids"][0].tolist() != tok.encode(s).ids:
            sys.exit(f"sentence-transformers tokenizes {s!r} differently from tokenizers")
    vectors = model.encode(EMBEDDED, batch_size=16, convert_to_numpy=True)
    cases = [{"text": s, "embedding": [float(f"{v:.7g}") for v in vec]} for s, vec in zip(EMBEDDED, vectors)]
    write_json(FIXTURES / "minilm-embeddings.json", {
        "reference": (f"sentence-transformers {sentence_transformers.__version__}, torch {torch.__version__} (CPU): "
                      "Transformer → mean pooling → L2 normalize"),
        "maxLength": EMBEDDING_MAX_LENGTH, "dimension": int(vectors.shape[1]), "cases": cases})
    print(f"minilm-reference: {len(cases)} embeddings of dimension {vectors.shape[1]} → {FIXTURES / 'minilm-embeddings.json'}")


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    if what in ("tokens", "all"):
        tok = load_tokenizer()
        write_tables()
        write_tokens(tok)
        write_scalar_digests(tok)
    if what in ("embeddings", "all"):
        write_embeddings()


if __name__ == "__main__":
    main()
