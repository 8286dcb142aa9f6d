"""One synthetic document: its content, its drawing as a PDF, and its ground truth in PDF points."""
import random

from . import form, invoice, layouts, parts, receipt, till, values
from .canvas import Surface, box
from .locales import PAPER

SCHEMA = "qzoom-synthetic/1"
TERMS = ("Prices are in the currency shown on the invoice. Title to goods passes on payment in full.",
         "Any complaint about goods or services must be raised in writing within fourteen days of delivery; "
         "later complaints cannot be accepted.",
         "If payment is late we may charge interest and a fixed recovery fee, and suspend further deliveries "
         "until the account is settled.",
         "Our liability is limited to the value of the invoice, except where the law does not allow such a "
         "limit.",
         "These terms are governed by the law of the country in which we are registered.")


def located(span, printed):
    """Page and box of `printed`, which is either the whole span or a part of it."""
    if printed not in span.text:
        raise AssertionError(f"{printed!r} is not in {span.text!r}")
    return {"page": span.page, "box": span.box if span.text == printed else span.part(printed)}


def _invoice_fields(inv, spans):
    loc = inv["locale"]
    printed_total = invoice.money(inv, inv["total"])
    token, token_clear = (loc.currency, True) if inv["currency_in_label"] else inv["money_style"][1:]
    currency_span = spans["total_label"] if inv["currency_in_label"] else spans["total"]
    fields = {
        "vendor": {"printed": inv["issuer"], "normalized": inv["issuer"], **located(spans["vendor"], inv["issuer"])},
        "invoice_number": {"printed": inv["number"], "normalized": inv["number"], "label": inv["number_label"],
                           **located(spans["number"], inv["number"])},
        "total": {"printed": printed_total, "normalized": values.plain_decimal(inv["total"], loc),
                  "currency": loc.currency, **located(spans["total"], printed_total)},
        "currency": {"printed": token, "normalized": loc.currency, "unambiguous": token_clear,
                     **located(currency_span, token)},
    }
    for name, key in (("date", "date"), ("due_date", "due")):
        truth = values.date_truth(inv[key], inv["date_fmt"])
        fields[name] = {**truth, **located(spans[key], truth["printed"])}
    return fields


def _form_fields(f, spans):
    loc = f["locale"]
    printed_amount = f["money_style"][0].format(n=values.number(f["amount"], loc))
    date = values.date_truth(f["date"], f["date_fmt"])
    return {
        "organisation": {"printed": f["issuer"], "normalized": f["issuer"], **located(spans["organisation"], f["issuer"])},
        "applicant_name": {"printed": f["applicant"], "normalized": f["applicant"],
                           **located(spans["applicant_name"], f["applicant"])},
        "policy_number": {"printed": f["policy"], "normalized": f["policy"], "label": f["policy_label"],
                          **located(spans["policy_number"], f["policy"])},
        "incident_date": {**date, "label": f["date_label"], **located(spans["incident_date"], date["printed"])},
        "amount": {"printed": printed_amount, "normalized": values.plain_decimal(f["amount"], loc),
                   "currency": loc.currency, "currency_unambiguous": f["money_style"][2],
                   **located(spans["amount"], printed_amount)},
    }


def joined(spans):
    """A field printed over several lines: the lines joined by spaces, and the box around them all."""
    x0, y0 = min(sp.box["x"] for sp in spans), min(sp.box["y"] for sp in spans)
    x1 = max(sp.box["x"] + sp.box["width"] for sp in spans)
    y1 = max(sp.box["y"] + sp.box["height"] for sp in spans)
    text = " ".join(sp.text for sp in spans)
    return {"printed": text, "normalized": text, "page": spans[0].page, "box": box(x0, y0, x1, y1)}


def _receipt_fields(r, spans):
    printed_total = receipt.money(r, r["total"])
    return {
        "company": joined(spans["company"]), "address": joined(spans["address"]),
        "date": {**values.date_truth(r["date"], r["date_fmt"]), **located(spans["date"], r["date_text"])},
        "total": {"printed": printed_total, "normalized": f"{r['total']:.2f}", "currency": r["country"].currency,
                  **located(spans["total"], printed_total)},
    }


def _draw_receipt(seed, index):
    """A receipt on paper as long as it needs: drawn once to measure, then on a page of that length."""
    rng = random.Random(f"qzsynth/{seed}/{index}")
    r, st = receipt.content(rng), till.style(rng)
    _, length = till.draw(Surface(*till.page_size(st, 10000)), r, st)
    s = Surface(*till.page_size(st, length))
    spans, _ = till.draw(s, r, st)
    if s.collides():
        raise AssertionError(f"receipt {index}: two rows overprint")
    return s, r, st, spans


def _terms_page(s, ctx, rng):
    s.new_page()
    m, body, size = 56, ctx["body"], ctx["size"]
    s.text(s.width - m, m, f"Page 2 of 2 · {ctx['issuer']}", body, 8, align="right", color=parts.GREY)
    s.text(m, m + 40, "Terms and conditions", body, 16, "bold")
    y = m + 52
    for i, text in enumerate(rng.sample(TERMS, len(TERMS))):
        _, y = parts.paragraph(s, f"{i + 1}. {text}", m, s.width - m, y + 6, body, size)


def _draw(ctx, draw_seed, layout):
    """Draws the document once; returns the surface, spans, small print, and whether it fits."""
    rng = random.Random(draw_seed)
    s = Surface(*PAPER[ctx["locale"].paper])
    spans, body_end = (form.draw(s, rng, ctx) if ctx["kind"] == "form" else layouts.LAYOUTS[layout](s, rng, ctx))
    small, small_lines, foot_top = parts.foot(s, rng, ctx, 44, ctx["body"])
    if ctx["pages"] == 2:
        _terms_page(s, ctx, rng)
    return s, spans, small, small_lines, body_end + 6 < foot_top and not s.collides()


SMALL_SIZES = (5, 5.5, 6, 6.5, 7)
# A 200×100 dpi fax cannot carry 5 pt print legibly even at its own resolution.
MIN_SMALL_SIZE = {"fax": 6.5}


def build(seed, index, kind, fmt, small_sizes=SMALL_SIZES, layout=None):
    """The PDF bytes and ground truth (in points) of document `index` under `seed`; `layout` forces an
    invoice layout (the self-check uses it to cover all of them)."""
    if kind == "receipt":
        return _build_receipt(seed, index, fmt)
    rng = random.Random(f"qzsynth/{seed}/{index}")
    ctx = invoice.content(rng) if kind == "invoice" else form.content(rng)
    if fmt in ("png", "jpeg"):
        ctx["pages"] = 1                     # single-image formats hold one page
    floor = MIN_SMALL_SIZE.get(fmt, 0)
    ctx["small_sizes"] = tuple(s for s in small_sizes if s >= floor) or (max(floor, *small_sizes),)
    drawn = rng.choice(sorted(layouts.LAYOUTS)) if kind == "invoice" else ("boxed" if ctx["boxed"] else "lined")
    layout = layout or drawn
    for attempt in range(12):                # redraw with other sizes and, for invoices, fewer items
        s, spans, small, small_lines, fits = _draw(ctx, f"qzsynth/{seed}/{index}/draw" + f"/{attempt}" * (attempt > 0),
                                                   layout)
        if fits:
            break
        if kind == "invoice" and attempt % 2 and len(ctx["items"]) > 1:
            ctx["items"].pop()
            invoice.settle(ctx)
    else:
        raise AssertionError(f"document {index}: no drawing fits the page without overprinting")
    fields = _invoice_fields(ctx, spans) if kind == "invoice" else _form_fields(ctx, spans)
    fields["small_print"] = small
    truth = {
        "schema": SCHEMA, "kind": kind, "template": "invoice" if kind == "invoice" else "generic",
        "layout": layout, "seed": seed, "index": index, "locale": ctx["locale"].code, "format": fmt,
        "unit": "point",
        "pages": [{"page": p, "width": round(s.width, 3), "height": round(s.height, 3), "units_per_inch": [72, 72]}
                  for p in range(1, ctx["pages"] + 1)],
        "fonts": {"body": ctx["body"], "heading": ctx.get("heading", ctx["body"]), "typed": ctx.get("typed"),
                  "small_print": small["font"]},
        "fields": fields, "small_print": small_lines, "lines": s.lines, "scan": None,
    }
    return s.pdf(), truth


def _build_receipt(seed, index, fmt):
    s, r, st, spans = _draw_receipt(seed, index)
    truth = {
        "schema": SCHEMA, "kind": "receipt", "template": "receipt", "layout": f"{round(st['paper'] * 25.4 / 72)}mm",
        "seed": seed, "index": index, "locale": r["country"].code, "format": fmt, "unit": "point",
        "pages": [{"page": 1, "width": round(s.width, 3), "height": round(s.height, 3), "units_per_inch": [72, 72]}],
        "fonts": {"body": st["family"]}, "fields": _receipt_fields(r, spans), "small_print": [], "lines": s.lines,
        "scan": None,
    }
    return s.pdf(), truth
