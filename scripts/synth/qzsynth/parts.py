"""Pieces that several layouts draw: a logo, label/value pairs, an address block, the line-item table,
the totals block, a wrapped paragraph and the footer.
"""
from . import invoice as inv_mod
from . import smallprint

WHITE = (1, 1, 1)
GREY = (0.35, 0.35, 0.35)


def logo(s, rng, x, y, size, name, color, family):
    initials = "".join(w[0] for w in name.split() if w[0].isalpha())[:2].upper() or "Q"
    shape = rng.choice(("circle", "square", "triangle", "bars"))
    if shape == "circle":
        s.circle(x + size / 2, y + size / 2, size / 2, color)
    elif shape == "square":
        s.rect(x, y, size, size, fill=color, stroke=None)
    elif shape == "triangle":
        s.polygon([(x, y + size), (x + size / 2, y), (x + size, y + size)], color)
    else:
        for i in range(3):
            s.rect(x + i * size / 3, y + size * (0.6 - 0.25 * i), size / 3.6, size * (0.4 + 0.25 * i),
                   fill=color, stroke=None)
        return
    s.text(x + size / 2, y + size * (0.68 if shape == "triangle" else 0.62), initials, family,
           size * 0.34, "bold", align="center", color=WHITE)


def pairs(s, rows, x_label, x_value, y, family, size, value_align="left", label_style="bold"):
    """Label/value rows; returns the value spans by key and the y below the block."""
    spans = {}
    for key, label, value in rows:
        y += size * 1.55
        s.text(x_label, y, label, family, size, label_style)
        spans[key] = s.text(x_value, y, value, family, size, align=value_align)
    return spans, y


def address_block(s, heading, lines, x, y, family, size):
    y += size * 1.5
    s.text(x, y, heading, family, size, "bold")
    for line in lines:
        y += size * 1.35
        s.text(x, y, line, family, size)
    return y


def items_table(s, inv, x0, x1, y, header_fill=None, zebra=False):
    family, size = inv["body"], inv["size"]
    w = x1 - x0
    cols = (("Description", x0 + 4, "left"), ("Qty", x0 + 0.60 * w, "right"),
            ("Unit price", x0 + 0.80 * w, "right"), ("Amount", x1 - 4, "right"))
    row_h = size * 1.8
    if header_fill:
        s.rect(x0, y, w, row_h, fill=header_fill, stroke=None)
    for label, x, align in cols:
        s.text(x, y + row_h * 0.68, label, family, size, "bold", align=align)
    y += row_h
    s.line(x0, y, x1, y, width=0.8)
    for i, (desc, qty, price, amount) in enumerate(inv["items"]):
        if zebra and i % 2:
            s.rect(x0, y, w, row_h, fill=(0.93, 0.93, 0.93), stroke=None)
        cells = (desc, f"{qty:f}".replace(".", inv["locale"].decimal),
                 inv_mod.money(inv, price, bare=True), inv_mod.money(inv, amount, bare=True))
        for (_, x, align), text in zip(cols, cells):
            s.text(x, y + row_h * 0.68, text, family, size, align=align)
        y += row_h
    s.line(x0, y, x1, y, width=0.8)
    return y


def totals(s, inv, x_label, x_value, y, total_size, boxed=False):
    """Subtotal, tax, shipping and total; returns the total's value and label spans and the y below."""
    family, size = inv["body"], inv["size"]
    rate = format(inv["tax_rate"].normalize(), "f")
    rows = [("Subtotal", inv["subtotal"]), (f"{inv['locale'].tax_label} {rate}%", inv["tax"])]
    if inv["shipping"]:
        rows.append(("Shipping", inv["shipping"]))
    for label, amount in rows:
        y += size * 1.6
        s.text(x_label, y, label, family, size)
        s.text(x_value, y, inv_mod.money(inv, amount), family, size, align="right")
    y += total_size * 1.9
    label = inv["total_label"] + (f" ({inv['locale'].currency})" if inv["currency_in_label"] else "")
    if boxed:
        s.rect(x_label - 6, y - total_size * 1.3, x_value - x_label + 12, total_size * 1.9,
               fill=(0.88, 0.88, 0.88), stroke=None)
    else:
        s.line(x_label, y - total_size * 1.25, x_value, y - total_size * 1.25, width=0.8)
    label_span = s.text(x_label, y, label, inv["heading"], total_size, "bold")
    value_span = s.text(x_value, y, inv_mod.money(inv, inv["total"]), inv["heading"], total_size, "bold",
                        align="right")
    return value_span, label_span, y + total_size * 0.6


def paragraph(s, text, x0, x1, y, family, size, style="regular"):
    span = None
    for line in smallprint.wrap(s, text, family, size, x1 - x0):
        y += size * 1.4
        span = s.text(x0, y, line, family, size, style)
    return span, y


def footer(s, ctx, x0, x1, y, family, size):
    """One centred line of the issuer's contact details (ordinary print, not small print)."""
    text = f"{ctx['issuer']} · {', '.join(ctx['issuer_address'])} · {ctx['issuer_phone']}"
    while s.width_of(text, family, size) > x1 - x0 and size > 7.5:
        size -= 0.5
    s.line(x0, y - size * 1.4, x1, y - size * 1.4, color=GREY, width=0.4)
    s.text((x0 + x1) / 2, y, text, family, size, align="center", color=GREY)


def foot(s, rng, ctx, margin, footer_family):
    """Small print at the very bottom and the footer line above it; returns the small-print truth."""
    bottom = s.height - rng.uniform(22, 40)
    value, lines, top = smallprint.draw(s, rng, ctx, margin, s.width - margin, bottom)
    footer(s, ctx, margin, s.width - margin, top - 8, footer_family, 8)
    return value, lines, top - 8 - 8 * 1.4
