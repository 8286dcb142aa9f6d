"""Draws a receipt as a till prints it: one narrow column on a roll of thermal paper, optionally lying on
a scanner bed. Returns the spans of the ground-truth fields: company, address (its lines), date, total.

The layout varies the way real tills do: monospaced or narrow sans type, a centred or left-aligned
header, dashed or drawn rules, items on one line or two, the date in the header (with a key, with the
time, or bare) or at the very bottom, an optional tax summary whose own "TOTAL" row is a distractor.
"""
from . import fonts
from .receipt import money

PAPER_MM = (58, 80, 80, 80)
SANS = ("DejaVu Sans Condensed", "Liberation Sans", "FreeSans", "Carlito")


class Roll:
    """A cursor down the paper: each call prints one row and moves below it."""

    def __init__(self, s, x0, x1, y, family, size, leading, color):
        self.s, self.x0, self.x1, self.y = s, x0, x1, y
        self.family, self.size, self.leading, self.color = family, size, leading, color

    def fits(self, text, size=None, style="regular"):
        return self.s.width_of(text, self.family, size or self.size, style) <= self.x1 - self.x0

    def wrap(self, text, size=None, style="regular"):
        lines, line = [], ""
        for word in text.split(" "):
            if line and not self.fits(f"{line} {word}", size, style):
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        return lines + [line]

    def text(self, text, align="left", size=None, style="regular"):
        """One row, wrapped if too wide; returns the spans of its printed lines."""
        size = size or self.size
        spans = []
        for line in self.wrap(text, size, style):
            self.y += size * self.leading
            x = {"left": self.x0, "center": (self.x0 + self.x1) / 2, "right": self.x1}[align]
            spans.append(self.s.text(x, self.y, line, self.family, size, style, align=align, color=self.color))
        return spans

    def row(self, left, right, style="regular", size=None):
        """A label at the left and a value at the right (the value drops a row when both do not fit);
        returns both spans."""
        size = size or self.size
        if not self.fits(f"{left}  {right}", size, style):
            first = self.text(left, size=size, style=style)[-1]
        else:
            self.y += size * self.leading
            first = self.s.text(self.x0, self.y, left, self.family, size, style, color=self.color)
        return first, self.s.text(self.x1, self.y, right, self.family, size, style, align="right", color=self.color)

    def columns(self, cells, stops):
        """Cells right-aligned at fractions of the width (the first left-aligned)."""
        self.y += self.size * self.leading
        for i, (cell, stop) in enumerate(zip(cells, stops)):
            x = self.x0 + stop * (self.x1 - self.x0)
            self.s.text(x, self.y, cell, self.family, self.size, align="left" if i == 0 else "right", color=self.color)

    def rule(self, char):
        if char is None:
            self.y += self.size * 0.6
            self.s.line(self.x0, self.y, self.x1, self.y, color=self.color, width=0.5)
            return
        n = int((self.x1 - self.x0) / self.s.width_of(char, self.family, self.size))
        self.text(char * n)

    def gap(self, rows=0.5):
        self.y += self.size * self.leading * rows


def style(rng):
    mm = rng.choice(PAPER_MM)
    mono = rng.random() < 0.7
    family = rng.choice(fonts.TYPED if mono else SANS)
    size = rng.uniform(6.3, 7.3) if mm == 58 else rng.uniform(7.5, 9.2)
    return {"paper": mm * 72 / 25.4, "margin": rng.uniform(6, 14), "family": family, "size": size,
            "leading": rng.uniform(1.2, 1.5), "color": (rng.uniform(0, 0.35),) * 3,
            "bed": rng.uniform(20, 110) if rng.random() < 0.3 else 0, "bed_gray": rng.uniform(0.7, 0.97),
            "header": rng.choice(("center", "center", "center", "left")), "rule": rng.choice(("-", "=", "-", None)),
            "company_size": size * rng.choice((1, 1, 1.2, 1.4, 1.7)), "company_bold": rng.random() < 0.6,
            "date_at": rng.choice(("header", "header", "header", "header", "footer")),
            "date_style": rng.choice(("key_time", "key_time", "key", "bare_time", "bare", "pair")),
            "items": rng.choice(("one_line", "two_lines", "two_lines", "coded")),
            "date_key": rng.choice(("DATE", "DATE", "Date", "DT")),
            "number_key": rng.choice(("INV NO", "RECEIPT NO", "BILL NO", "DOC NO", "NO")),
            "paid_key": rng.choice(("CASH", "CASH", "CASH TENDERED", "PAYMENT", "VISA")),
            "summary": rng.random() < 0.4, "summary_total": rng.random() < 0.5, "total_bold": rng.random() < 0.5,
            "total_qty": rng.random() < 0.5}


def page_size(st, length):
    """The page: the paper (its length known after a first drawing) and the bed around it. The sides
    leave room for the scanner's skew of up to 2°, which would push a long receipt's edge off the image."""
    return st["paper"] + 2 * max(st["bed"], 0.02 * length + 6), length + 2 * st["bed"]


def _date_row(p, r, st):
    d, t = r["date_text"], r["time"]
    key, kind = st["date_key"], st["date_style"]
    if kind == "key_time":
        return p.row(f"{key}: {d}", f"TIME: {t}")[0]
    if kind == "key":
        return p.text(f"{key} : {d}")[-1]
    if kind == "bare_time":
        return p.text(f"{d} {t}")[-1]
    if kind == "pair":
        return p.row(d, t)[0]
    return p.text(d, align=st["header"])[-1]


def draw(s, r, st):
    """Prints receipt `r` in style `st`; returns the field spans and the length of paper it used."""
    bed, side = st["bed"], (s.width - st["paper"]) / 2
    if bed:
        s.rect(0, 0, s.width, s.height, fill=(st["bed_gray"],) * 3, stroke=None)
        s.rect(side, bed, st["paper"], s.height - 2 * bed, fill=(1, 1, 1), stroke=None)
    m = st["margin"]
    p = Roll(s, side + m, side + st["paper"] - m, bed + m * 0.5, st["family"], st["size"], st["leading"], st["color"])
    head = st["header"]
    company = p.text(r["company"], head, st["company_size"], "bold" if st["company_bold"] else "regular")
    for reg in r["registration"][:1]:
        p.text(reg, head)
    address = [span for line in r["address"] for span in p.text(line, head)]
    p.text(f"TEL: {r['phone']}", head)
    for reg in r["registration"][1:]:
        p.text(reg, head)
    spans = {"company": company, "address": address}
    if r["title"]:
        p.gap()
        p.text(r["title"], "center" if head == "center" else "left", style="bold")
    p.gap()
    p.text(f"{st['number_key']}: {r['number']}")
    if st["date_at"] == "header":
        spans["date"] = _date_row(p, r, st)
    p.text(f"CASHIER: {r['cashier']}")
    p.rule(st["rule"])
    _items(p, r, st)
    p.rule(st["rule"])
    spans["total"] = _totals(p, r, st)
    if st["summary"] and r["tax_rate"]:
        p.rule(st["rule"])
        _summary(p, r, st)
    p.gap()
    for line in r["footer"]:
        p.text(line, "center")
    if st["date_at"] == "footer":
        p.gap()
        spans["date"] = _date_row(p, r, st)
    return spans, p.y + m - bed


def _items(p, r, st):
    layout = st["items"]
    one_line = layout == "one_line" and all(p.fits(f"{d[:18]:18} {q:>3} {money(r, a):>9}") for d, q, _, a in r["items"])
    if one_line:
        p.columns(("ITEM", "QTY", "AMOUNT"), (0, 0.68, 1))
    for i, (desc, qty, price, amount) in enumerate(r["items"]):
        if one_line:
            p.columns((desc[:18], str(qty), money(r, amount)), (0, 0.68, 1))
            continue
        if layout == "coded":
            p.text(f"{9555000000000 + 7919 * (i + 1) * len(desc):013d}")
        p.text(desc)
        p.row(f"  {qty} X {money(r, price)}", money(r, amount) + (" SR" if r["tax_rate"] else ""))
    if st["total_qty"]:
        p.text(f"TOTAL QTY: {sum(q for _, q, *_ in r['items'])}")


def _totals(p, r, st):
    show = r["currency_on"]
    rows = [("SUB TOTAL", r["subtotal"])]
    if r["discount"]:
        rows.append(("DISCOUNT", -r["discount"]))
    if r["service"]:
        rows.append(("SERVICE CHARGE 10%", r["service"]))
    if r["tax_rate"]:
        rows.append((f"{r['tax_label']} {r['tax_rate']}%", r["tax"]))
    if r["rounding"]:
        rows.append(("ROUNDING ADJ", r["rounding"]))
    for label, amount in rows:
        p.row(label, money(r, amount, show == "all"))
    bold = "bold" if st["total_bold"] else "regular"
    _, total = p.row(r["total_label"], money(r, r["total"], show in ("all", "total")), bold)
    p.row(st["paid_key"], money(r, r["paid"], show == "all"))
    p.row("CHANGE", money(r, r["paid"] - r["total"], show == "all"))
    return total


def _summary(p, r, st):
    base = r["subtotal"] - r["discount"] + r["service"]
    p.columns((f"{r['tax_label']} SUMMARY", "AMOUNT", "TAX"), (0, 0.7, 1))
    p.columns((f"SR @ {r['tax_rate']}%", money(r, base), money(r, r["tax"])), (0, 0.7, 1))
    if st["summary_total"]:
        p.columns(("TOTAL", money(r, base), money(r, r["tax"])), (0, 0.7, 1))
