"""What an invoice says: the parties, numbers, dates, line items and amounts, before any layout.

Amounts are computed the way an invoicing program does (Decimal, half-up rounding per line), so the
printed subtotal, tax and total agree with each other.
"""
import datetime as dt
from decimal import Decimal

from . import fonts, values
from .locales import LOCALES

TRADES = {
    "Logistics": ("Freight Leipzig–Hamburg", "Pallet storage (week)", "Express courier", "Fuel surcharge",
                  "Customs clearance", "Packaging material"),
    "Consulting": ("Consulting services", "Workshop facilitation (day)", "Travel expenses",
                   "Project management", "Strategy review", "Interview transcripts"),
    "Office Supplies": ("A4 copy paper 80 g (box)", "Toner cartridge, black", "Ballpoint pens (50)",
                        "Desk organiser", "Stapler, heavy duty", "Archive boxes (10)"),
    "Software": ("Annual licence, Pro plan", "Support & maintenance", "Onboarding session",
                 "Additional seats", "Cloud storage 1 TB", "Custom integration"),
    "Print & Design": ("Business cards (500)", "Flyer A5, 4/4 colour", "Logo redesign", "Roll-up banner",
                       "Proofing", "Brochure layout"),
    "Engineering": ("Site inspection", "CAD drawings", "Structural report", "Material testing",
                    "Engineering hours", "Survey equipment hire"),
    "Catering": ("Lunch buffet (per person)", "Coffee service", "Room hire", "Beverage package",
                 "Service staff (hour)", "Dessert platter"),
    "Electrical": ("Cable 3x1.5 mm² (m)", "Circuit breaker 16 A", "Labour (hour)", "Call-out fee",
                   "Socket outlet", "LED panel 60x60"),
    "IT Services": ("Laptop setup", "Network audit", "Remote support (hour)", "Firewall licence",
                    "Backup service", "Switch 24-port"),
}
TOTAL_LABELS = ("Total", "Total due", "Amount due", "Balance due", "Grand total", "TOTAL", "Invoice total")
NUMBER_LABELS = ("Invoice No.", "Invoice #", "Invoice number", "Invoice no:", "Number")
DATE_LABELS = ("Date", "Invoice date", "Date of issue", "Issued")
DUE_LABELS = ("Due date", "Payment due", "Due by", "Pay by")


def content(rng, locale=None):
    """A random, self-consistent invoice."""
    loc = locale or rng.choice(LOCALES)
    trade = rng.choice(sorted(TRADES))
    date, date_fmt = values.printed_date(rng, loc)
    terms = rng.choice((7, 14, 14, 30, 30, 45, 60))
    body = rng.choice(fonts.BODY)
    styles = [s for s in loc.money_styles if fonts.covers(body, s[0])]
    items = []
    for desc in rng.sample(TRADES[trade], rng.randint(2, 6)):
        qty = Decimal(rng.choice((1, 1, 2, 3, 4, 5, 8, 10, 12, 20, 25))) if "hour" not in desc \
            else Decimal(rng.choice(("1.5", "2", "4", "7.5", "12")))
        price = values.money_price(rng, loc, 2, 900)
        items.append((desc, qty, price, values.quantize(qty * price, loc)))
    rate = Decimal(str(rng.choice(loc.tax_rates)))
    shipping = values.money_price(rng, loc, 5, 60) if rng.random() < 0.3 else Decimal(0)
    issuer = values.company(rng, loc, trade)
    return settle({
        "kind": "invoice", "locale": loc, "trade": trade, "issuer": issuer,
        "issuer_address": values.address(rng, loc), "issuer_phone": values.phone(rng, loc),
        "issuer_email": f"billing@{values.domain(issuer)}", "issuer_web": f"www.{values.domain(issuer)}",
        "customer": values.company(rng, loc, rng.choice(sorted(TRADES))), "contact": values.person(rng),
        "customer_address": values.address(rng, loc),
        "ship_to": values.address(rng, loc) if rng.random() < 0.35 else None,
        "number": values.invoice_number(rng, date), "number_label": rng.choice(NUMBER_LABELS),
        "date": date, "date_fmt": date_fmt, "date_label": rng.choice(DATE_LABELS),
        "due": date + dt.timedelta(days=terms), "terms": terms, "due_label": rng.choice(DUE_LABELS),
        "po": values.distractor_id(rng, rng.choice(("PO-", "PO ", "4500"))),
        "customer_no": values.distractor_id(rng, rng.choice(("C", "K-", "CUST-"))),
        "items": items, "tax_rate": rate, "shipping": shipping, "total_label": rng.choice(TOTAL_LABELS),
        "money_style": rng.choice(styles), "currency_in_label": rng.random() < 0.2,
        "reference": values.reference(rng, date),
        "body": body, "heading": rng.choice((body, body, rng.choice(fonts.BODY))),
        "size": rng.choice((8.5, 9, 9.5, 10)),
        "accent": rng.choice(((0.1, 0.2, 0.45), (0.0, 0.4, 0.4), (0.45, 0.1, 0.15), (0.25, 0.25, 0.25),
                              (0.1, 0.35, 0.15))),
        "pages": 2 if rng.random() < 0.2 else 1,
    })


def settle(inv):
    """Subtotal, tax and total from the line items (again after a layout drops an item to fit)."""
    inv["subtotal"] = sum(amount for *_, amount in inv["items"])
    inv["tax"] = values.quantize(inv["subtotal"] * inv["tax_rate"] / 100, inv["locale"])
    inv["total"] = inv["subtotal"] + inv["tax"] + inv["shipping"]
    return inv


def money(inv, amount, bare=False):
    """An amount as this invoice prints it; `bare` for table cells and label-currency invoices."""
    n = values.number(amount, inv["locale"])
    return n if bare or inv["currency_in_label"] else inv["money_style"][0].format(n=n)


def printed_date(inv, which):
    return values.DATE_FORMATS[inv["date_fmt"]](inv[which])
