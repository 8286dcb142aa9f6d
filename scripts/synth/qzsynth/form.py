"""Claim and application forms: labelled boxes filled in with typed values, check boxes, a signature,
and small print. Ground-truth fields: organisation, applicant_name, policy_number, incident_date,
amount (with currency) and small_print (see docs/synthetic.md).
"""
import datetime as dt

from . import fonts, parts, values
from .locales import LOCALES

# (title, issuer's trade, date label, amount label, what the applicant wrote in the description box)
KINDS = (("Insurance claim form", "Insurance", "Date of incident", "Amount claimed",
          "Water damage in the kitchen after a pipe burst; repair invoice attached."),
         ("Expense reimbursement claim", "Services", "Date of expense", "Amount to reimburse",
          "Client visit: rail fare, two nights' hotel and meals; receipts attached."),
         ("Warranty claim form", "Electronics", "Date of purchase", "Purchase price",
          "Device stopped charging eleven months after purchase; serial number on the receipt."),
         ("Travel claim form", "Assurance", "Date of travel", "Total claimed",
          "Flight cancelled, taxi and hotel paid by me; boarding passes and receipts attached."))
POLICY_LABELS = ("Policy number", "Policy no.", "Membership no.", "Contract number")


def content(rng, locale=None):
    loc = locale or rng.choice(LOCALES)
    title, trade, date_label, amount_label, story = rng.choice(KINDS)
    incident, fmt = values.printed_date(rng, loc)
    body = rng.choice(fonts.BODY)
    issuer = values.company(rng, loc, trade)
    amount = values.money_price(rng, loc, 40, 4000)
    return {
        "kind": "form", "locale": loc, "title": title, "issuer": issuer,
        "issuer_address": values.address(rng, loc), "form_code": f"{title[:2].upper()}-{rng.randrange(100, 999)}",
        "applicant": values.person(rng), "applicant_address": values.address(rng, loc),
        "birth": dt.date(rng.randrange(1945, 2004), rng.randrange(1, 13), rng.randrange(1, 29)),
        "phone": values.phone(rng, loc), "issuer_phone": values.phone(rng, loc),
        "policy": values.distractor_id(rng, rng.choice(("P-", "POL", "M", ""))), "policy_label": rng.choice(POLICY_LABELS),
        "date": incident, "date_fmt": fmt, "date_label": date_label,
        "signed": incident + dt.timedelta(days=rng.randrange(1, 40)),
        "amount": amount, "amount_label": amount_label, "story": story, "payment": rng.randrange(3),
        "money_style": rng.choice([st for st in loc.money_styles if fonts.covers(body, st[0])]),
        "reference": values.reference(rng, incident),
        "body": body, "typed": rng.choice(fonts.TYPED), "size": rng.choice((8.5, 9, 9.5)),
        "boxed": rng.random() < 0.6, "accent": rng.choice(((0.1, 0.2, 0.45), (0.3, 0.3, 0.3), (0.0, 0.35, 0.3))),
        "pages": 1,
    }


def _field(s, f, label, value, x, y, w, typed_size):
    """One labelled field; returns the span of the typed value."""
    if f["boxed"]:
        h = typed_size * 2.9
        s.rect(x, y, w, h, stroke=(0.3, 0.3, 0.3), line_width=0.5)
        s.text(x + 3, y + 9, label, f["body"], 7.5, color=parts.GREY)
        return s.text(x + 5, y + h - typed_size * 0.55, value, f["typed"], typed_size)
    label_w = s.width_of(label + ":", f["body"], f["size"]) + 6
    s.text(x, y + typed_size * 1.5, label + ":", f["body"], f["size"])
    s.line(x + label_w, y + typed_size * 1.8, x + w, y + typed_size * 1.8, color=parts.GREY, width=0.4)
    return s.text(x + label_w + 4, y + typed_size * 1.5, value, f["typed"], typed_size)


def _section(s, f, title, x0, x1, y):
    s.rect(x0, y, x1 - x0, f["size"] * 2, fill=(0.88, 0.88, 0.88), stroke=None)
    s.text(x0 + 4, y + f["size"] * 1.4, title, f["body"], f["size"] + 0.5, "bold")
    return y + f["size"] * 2 + 8


def draw(s, rng, f):
    W, m = s.width, rng.uniform(40, 56)
    body, size = f["body"], f["size"]
    typed = rng.choice((10, 10.5, 11))
    fmt = values.DATE_FORMATS[f["date_fmt"]]
    parts.logo(s, rng, m, m, 36, f["issuer"], f["accent"], body)
    spans = {"organisation": s.text(m + 46, m + 15, f["issuer"], body, 13, "bold")}
    s.text(m + 46, m + 30, ", ".join(f["issuer_address"]), body, size)
    s.text(W - m, m + 12, f"Form {f['form_code']}", body, size, align="right", color=parts.GREY)
    y = m + 72
    s.text(m, y, f["title"], body, 20, "bold", color=f["accent"])
    _, y = parts.paragraph(s, "Please complete all fields in block capitals or type, and sign the declaration.",
                           m, W - m, y + 4, body, size, "italic")
    half, gap = (W - 2 * m - 12) / 2, (typed * 2.9 + 8 if f["boxed"] else typed * 2.6)
    y = _section(s, f, "1  Your details", m, W - m, y + 12)
    spans["applicant_name"] = _field(s, f, "Full name", f["applicant"], m, y, half, typed)
    _field(s, f, "Date of birth", fmt(f["birth"]), m + half + 12, y, half, typed)
    y += gap
    _field(s, f, "Address", ", ".join(f["applicant_address"]), m, y, W - 2 * m, typed)
    y += gap
    spans["policy_number"] = _field(s, f, f["policy_label"], f["policy"], m, y, half, typed)
    _field(s, f, "Telephone", f["phone"], m + half + 12, y, half, typed)
    y = _section(s, f, "2  What you are claiming", m, W - m, y + gap + 6)
    spans["incident_date"] = _field(s, f, f["date_label"], fmt(f["date"]), m, y, half, typed)
    printed_amount = f["money_style"][0].format(n=values.number(f["amount"], f["locale"]))
    spans["amount"] = _field(s, f, f["amount_label"], printed_amount, m + half + 12, y, half, typed)
    y += gap
    s.rect(m, y, W - 2 * m, typed * 6, stroke=(0.3, 0.3, 0.3), line_width=0.5)
    s.text(m + 3, y + 9, "Describe what happened", body, 7.5, color=parts.GREY)
    parts.paragraph(s, f["story"], m + 5, W - m - 5, y + 12, f["typed"], typed)
    y += typed * 6 + 14
    for i, option in enumerate(("Bank transfer", "Cheque", "Credit to account")):
        x = m + i * 140
        s.rect(x, y, 9, 9, stroke=(0.2, 0.2, 0.2), line_width=0.6)
        if i == f["payment"]:
            s.text(x + 1.5, y + 8, "X", f["typed"], 9, "bold")
        s.text(x + 14, y + 8, option, body, size)
    y = _section(s, f, "3  Declaration", m, W - m, y + 24)
    _, y = parts.paragraph(s, "I declare that the information I have given is true and complete, and I "
                           "authorise the insurer to obtain any records needed to assess this claim.",
                           m, W - m, y - 4, body, size)
    s.line(m, y + 42, m + 200, y + 42, width=0.5)
    s.scribble(m + 10, y + 34, 150, rng)
    s.text(m, y + 52, "Signature", body, 7.5, color=parts.GREY)
    _field(s, f, "Date signed", fmt(f["signed"]), m + half + 12, y + 12, half, typed)
    return spans, y + 60
