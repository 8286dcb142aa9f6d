"""Three invoice layouts. Each draws one invoice and returns the spans of the ground-truth fields:
vendor, number, date, due, total, total_label (where the currency may be printed).

- classic: logo and vendor top left, INVOICE and the meta table top right, bill-to/ship-to, table,
  totals on the right, payment terms on the left.
- banner:  a coloured band with the vendor in white, a row of meta columns, a shaded total box and
  bank details.
- letter:  a business letter (vendor top right, address window, info block), the due date only inside
  a sentence, a three-column footer.
"""
from . import parts
from .invoice import money, printed_date


def classic(s, rng, inv):
    W, m = s.width, rng.uniform(40, 58)
    body, head, size = inv["body"], inv["heading"], inv["size"]
    logo = rng.uniform(38, 54)
    parts.logo(s, rng, m, m, logo, inv["issuer"], inv["accent"], head)
    vendor_size = rng.choice((14, 15, 16, 18))
    name_x = m + logo + 10
    spans = {"vendor": s.text(name_x, m + vendor_size, inv["issuer"], head, vendor_size, "bold")}
    y = m + vendor_size
    for line in inv["issuer_address"] + [inv["issuer_phone"]]:
        y += size * 1.35
        s.text(name_x, y, line, body, size)
    title_size = rng.choice((20, 22, 26))
    s.text(W - m, m + title_size * 0.8, rng.choice(("INVOICE", "Invoice", "TAX INVOICE")), head, title_size,
           "bold", align="right", color=inv["accent"])
    rows = [("number", inv["number_label"], inv["number"]),
            ("date", inv["date_label"], printed_date(inv, "date")),
            ("due", inv["due_label"], printed_date(inv, "due")),
            ("po", "PO number", inv["po"])]
    meta, meta_y = parts.pairs(s, rows, W - m - 200, W - m, m + title_size, body, size, value_align="right")
    spans.update(meta)
    y = max(y, meta_y, m + logo) + 26
    bottom = parts.address_block(s, rng.choice(("Bill to", "Invoice to", "Customer")),
                                 [inv["customer"], f"Attn: {inv['contact']}"] + inv["customer_address"],
                                 m, y, body, size)
    if inv["ship_to"]:
        bottom = max(bottom, parts.address_block(s, "Ship to", [inv["customer"]] + inv["ship_to"],
                                                 m + (W - 2 * m) * 0.42, y, body, size))
    y = parts.items_table(s, inv, m, W - m, bottom + 22, header_fill=rng.choice((None, (0.9, 0.9, 0.9))))
    total, label, y_total = parts.totals(s, inv, W - m - 210, W - m, y + 6, size + rng.choice((1, 2, 3)))
    spans.update(total=total, total_label=label)
    notes = f"Payment terms: {inv['terms']} days net. Customer no. {inv['customer_no']}."
    parts.paragraph(s, notes, m, W - m - 240, y + 6, body, size)
    parts.paragraph(s, "Thank you for your business.", m, W - m - 240, y + 6 + size * 3, body, size, "italic")
    return spans, y_total


def banner(s, rng, inv):
    W, m = s.width, rng.uniform(36, 50)
    body, head, size = inv["body"], inv["heading"], inv["size"]
    band = rng.uniform(70, 92)
    s.rect(0, 0, W, band, fill=inv["accent"], stroke=None)
    vendor_size = rng.choice((16, 18, 20))
    spans = {"vendor": s.text(m, band * 0.5 + vendor_size * 0.35, inv["issuer"], head, vendor_size, "bold",
                              color=parts.WHITE)}
    s.text(W - m, band * 0.5 + 8, "Invoice", head, 24, "bold", align="right", color=parts.WHITE)
    y = band + 8
    for line in inv["issuer_address"] + [inv["issuer_email"]]:
        y += size * 1.35
        s.text(W - m, y, line, body, size, align="right")
    bottom = parts.address_block(s, "Billed to", [inv["customer"], inv["contact"]] + inv["customer_address"],
                                 m, band + 8, body, size)
    y = max(y, bottom) + 28
    columns = [("number", inv["number_label"], inv["number"]),
               ("date", inv["date_label"], printed_date(inv, "date")),
               ("due", inv["due_label"], printed_date(inv, "due")),
               ("customer_no", "Customer no.", inv["customer_no"])]
    step = (W - 2 * m) / len(columns)
    for i, (key, label, value) in enumerate(columns):
        s.text(m + i * step, y, label.upper().rstrip(":"), body, max(7.5, size - 1.5), "bold", color=parts.GREY)
        spans[key] = s.text(m + i * step, y + size * 1.7, value, body, size + 1)
    y = parts.items_table(s, inv, m, W - m, y + size * 3.4, header_fill=(0.85, 0.85, 0.85),
                          zebra=rng.random() < 0.5)
    total, label, y_total = parts.totals(s, inv, W - m - 200, W - m, y + 6, size + 2, boxed=True)
    spans.update(total=total, total_label=label)
    if inv["locale"].iban_country:
        bank = [f"Account holder: {inv['issuer']}", f"Payment terms: {inv['terms']} days"]
    else:
        bank = [f"Payable to: {inv['issuer']}", f"Payment terms: {inv['terms']} days"]
    parts.address_block(s, "Payment details", bank, m, y + 6, body, size)
    return spans, y_total


def letter(s, rng, inv):
    W, m = s.width, rng.uniform(48, 62)
    body, head, size = inv["body"], inv["heading"], inv["size"]
    vendor_size = rng.choice((13, 14, 16))
    spans = {"vendor": s.text(W - m, m + vendor_size, inv["issuer"], head, vendor_size, "bold", align="right")}
    y = m + vendor_size
    for line in inv["issuer_address"] + [inv["issuer_phone"], inv["issuer_web"]]:
        y += size * 1.35
        s.text(W - m, y, line, body, size, align="right")
    if rng.random() < 0.6:
        parts.logo(s, rng, m, m, 42, inv["issuer"], inv["accent"], head)
    window = max(y + 24, 128)
    sender = f"{inv['issuer']} · {' · '.join(inv['issuer_address'])}"
    span = s.text(m, window, sender, body, 7.5, color=parts.GREY)
    s.line(m, window + 2, span.right, window + 2, color=parts.GREY, width=0.3)
    y = window + 4
    for line in [inv["customer"], f"{inv['contact']}"] + inv["customer_address"]:
        y += size * 1.4
        s.text(m, y, line, body, size + 0.5)
    rows = [("number", inv["number_label"], inv["number"]),
            ("date", inv["date_label"], printed_date(inv, "date")),
            ("customer_no", "Customer no.", inv["customer_no"]),
            ("po", "Your order", inv["po"])]
    info, info_y = parts.pairs(s, rows, W - m - 190, W - m - 95, window - 6, body, size, label_style="regular")
    spans.update(info)
    y = max(y, info_y) + 34
    s.text(m, y, f"Invoice for {inv['trade'].lower()}", head, size + 3, "bold")
    y += size * 2.6
    s.text(m, y, f"Dear {inv['contact']},", body, size)
    _, y = parts.paragraph(s, "thank you for your order. We invoice you for the following:", m, W - m,
                           y + size * 0.2, body, size)
    y = parts.items_table(s, inv, m, W - m, y + 10)
    total, label, y_total = parts.totals(s, inv, W - m - 200, W - m, y + 4, size + 1)
    spans.update(total=total, total_label=label)
    due = printed_date(inv, "due")
    sentence = rng.choice((f"Please pay the total by {due} without deduction.",
                           f"Payment is due within {inv['terms']} days, by {due}.",
                           f"Please transfer {money(inv, inv['total'])} by {due}."))
    last, y = parts.paragraph(s, sentence, m, W - m, y_total + 14, body, size)
    spans["due"] = last
    s.text(m, y + size * 2.4, "Kind regards,", body, size)
    s.text(m, y + size * 3.8, inv["issuer"], body, size)
    return spans, y + size * 4


LAYOUTS = {"classic": classic, "banner": banner, "letter": letter}
