"""What a till receipt says: the shop, its registration and address, the sale, the totals and the
footer, before any layout.

Receipts come from a handful of countries that print them the same way (a centred shop header, a
register of items, totals with a tax line and cash rounding). Amounts are Decimal; the total paid is
the taxed total rounded to the country's smallest coin, as tills do.
"""
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, ROUND_HALF_UP

from . import values


@dataclass(frozen=True)
class Country:
    code: str
    currency: str                   # the token printed before amounts
    tax: tuple                      # (label, rate in percent); rate 0 prints no tax line
    coin: Decimal                   # cash rounding step
    forms: tuple                    # legal forms printed after the name
    registration: tuple             # patterns of the company or tax number under the name (# a digit)
    streets: tuple                  # street words; "{n}" is a number
    areas: tuple                    # neighbourhood lines
    cities: tuple                   # (postcode pattern, city, state or None)
    phone: str
    date_formats: tuple


COUNTRIES = (
    Country("MY", "RM", (("GST", 6), ("SST", 6), ("GST", 0), ("SST", 10)), Decimal("0.05"),
            ("SDN BHD", "SDN. BHD.", "(M) SDN BHD", "ENTERPRISE", "TRADING", "S/B", "BERHAD", ""),
            ("(######-@)", "CO. REG: ######-@", "ROC NO: ######-@", "GST ID: 00##########",
             "GST REG NO: 00##########", "SST NO: @##-####-########"),
            ("JALAN {w} {n}", "JALAN {w} {n}/{n}", "JLN {w} {n}", "LORONG {w} {n}", "PERSIARAN {w}"),
            ("TAMAN {w}", "TMN {w} {w}", "BANDAR {w}", "KAWASAN PERINDUSTRIAN {w}", "SEKSYEN {n}"),
            (("#####", "KUALA LUMPUR", "W.P. KUALA LUMPUR"), ("#####", "JOHOR BAHRU", "JOHOR"),
             ("#####", "SHAH ALAM", "SELANGOR"), ("#####", "PETALING JAYA", "SELANGOR DARUL EHSAN"),
             ("#####", "IPOH", "PERAK"), ("#####", "SERI KEMBANGAN", "SELANGOR"), ("#####", "KLANG", "SELANGOR"),
             ("#####", "GEORGE TOWN", "PULAU PINANG"), ("#####", "KOTA KINABALU", "SABAH")),
            "0#-#### ####", ("dmy_slash", "dmy_dash", "dmy_slash_yy", "dmy_dash_yy", "d_mon_yy", "dmy_dot")),
    Country("SG", "S$", (("GST", 7), ("GST", 8), ("GST", 9)), Decimal("0.01"),
            ("PTE LTD", "PTE. LTD.", "LLP", ""),
            ("UEN: #########@", "GST REG NO: M#-#######-#", "CO REG NO: #########@"),
            ("{n} {w} ROAD", "BLK {n} {w} STREET {n}", "{n} {w} AVENUE {n}", "{n} {w} DRIVE"),
            ("#0{n}-{n} {w} MALL", "{w} PLAZA", "{w} CENTRE"),
            (("SINGAPORE ######", None, None),),
            "6### ####", ("dmy_slash", "dmy_dash", "d_mon_y", "iso")),
    Country("GB", "£", (("VAT", 20), ("VAT", 0)), Decimal("0.01"),
            ("LTD", "LIMITED", "PLC", ""),
            ("VAT NO: GB ### #### ##", "VAT REG: ### #### ##", "CO NO: ########"),
            ("{n} {w} STREET", "{n} {w} ROAD", "UNIT {n} {w} RETAIL PARK", "{n} HIGH STREET"),
            ("{w}", "{w} SHOPPING CENTRE"),
            (("@## #@@", "LEEDS", None), ("@## #@@", "BRISTOL", None), ("@# #@@", "MANCHESTER", None)),
            "0#### ######", ("dmy_slash", "d_mon_y", "dmy_slash_yy")),
    Country("AU", "$", (("GST", 10),), Decimal("0.05"),
            ("PTY LTD", "PTY. LTD.", ""),
            ("ABN ## ### ### ###", "ABN: ###########"),
            ("{n} {w} STREET", "SHOP {n}, {n} {w} ROAD", "{n}/{n} {w} PARADE"),
            ("{w} ARCADE", "{w} VILLAGE"),
            (("####", "SYDNEY", "NSW"), ("####", "BRISBANE", "QLD"), ("####", "PERTH", "WA")),
            "(0#) #### ####", ("dmy_slash", "d_mon_y", "dmy_dash")),
)
COUNTRY_WEIGHTS = (4, 1, 1, 1)

# Words for shop names and street names: invented or common, not taken from any dataset.
WORDS = ("SRI", "JAYA", "MAJU", "INDAH", "BESTARI", "MUTIARA", "CAHAYA", "SEJAHTERA", "PERMAI", "DAMAI",
         "HARMONI", "KENANGA", "MERANTI", "CEMPAKA", "MELATI", "SENTOSA", "GOLDEN", "LUCKY", "EVERGREEN",
         "SUNRISE", "ORCHID", "PHOENIX", "EASTERN", "ROYAL", "OCEAN", "HAPPY", "UNITED", "PACIFIC", "VICTORY",
         "KINGSTON", "MAPLE", "RIVERSIDE", "HILLTOP", "STATION", "MARKET", "CROWN", "ASH", "BRIDGE")
SHOPS = ("HARDWARE", "MINI MARKET", "SUPERMARKET", "BOOKSTORE", "STATIONERY", "PHARMACY", "BAKERY", "CAFE",
         "RESTAURANT", "RESTORAN", "FOOD COURT", "TRADING", "ENTERPRISE", "ELECTRICAL", "MOTOR PARTS",
         "FRUIT MART", "GIFT & DECO", "KITCHEN", "NASI KANDAR", "CONVENIENCE STORE", "HOME CENTRE")
GOODS = {
    "food": ("NASI LEMAK", "TEH TARIK", "KOPI O", "ROTI CANAI", "MEE GORENG", "CHICKEN RICE", "ICED LEMON TEA",
             "FRIED RICE", "MILO ICE", "CURRY PUFF", "LATTE", "CAPPUCCINO", "CROISSANT", "SANDWICH",
             "MINERAL WATER 500ML", "SET LUNCH A", "SOUP OF THE DAY", "BROWNIE"),
    "goods": ("A4 PAPER 80GSM", "SUPER GLUE 3G", "PVC TAPE 18MM", "BALL PEN BLUE", "AA BATTERY 4S",
              "LED BULB 9W", "EXTENSION CORD 3M", "SCREWDRIVER SET", "DETERGENT 2KG", "TISSUE BOX 3X",
              "RICE 5KG", "COOKING OIL 2L", "SUGAR 1KG", "SHAMPOO 400ML", "TOOTHPASTE 150G", "NOTEBOOK A5",
              "STAPLER NO.10", "PAINT BRUSH 2IN", "HOSE CLIP", "DOOR HINGE 4IN", "CABLE TIE 200MM",
              "PLASTIC CONTAINER", "BIRTHDAY CARD", "GIFT WRAP"),
}
TITLES = ("TAX INVOICE", "SIMPLIFIED TAX INVOICE", "RECEIPT", "CASH SALE", "OFFICIAL RECEIPT", "CASH BILL",
          "INVOICE", None)
TOTAL_LABELS = ("TOTAL", "TOTAL:", "TOTAL (RM)", "GRAND TOTAL", "NETT TOTAL", "TOTAL AMOUNT", "TOTAL DUE",
                "TOTAL ROUNDED", "ROUNDED TOTAL", "TOTAL INCL. TAX", "AMOUNT DUE", "NET TOTAL")
FOOTERS = ("THANK YOU", "THANK YOU. PLEASE COME AGAIN", "THANK YOU FOR SHOPPING WITH US",
           "GOODS SOLD ARE NOT RETURNABLE", "GOODS SOLD ARE NOT RETURNABLE OR EXCHANGEABLE",
           "PLEASE KEEP THIS RECEIPT FOR EXCHANGE", "HAVE A NICE DAY", "THIS IS A COMPUTER GENERATED RECEIPT",
           "EXCHANGE WITHIN 7 DAYS WITH RECEIPT")
def _fill(rng, pattern):
    while "{w}" in pattern:
        pattern = pattern.replace("{w}", rng.choice(WORDS), 1)
    while "{n}" in pattern:
        pattern = pattern.replace("{n}", str(rng.choice((rng.randrange(1, 30), rng.randrange(1, 300)))), 1)
    return "".join(rng.choice("0123456789") if c == "#" else rng.choice("ABCDEFGHJKLMNPRSTUVWXY")
                   if c == "@" else c for c in pattern)


def printed_date(rng, country):
    """A date in 2016–2024 and one of the country's formats for it (values.DATE_FORMATS)."""
    return dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(9 * 365)), rng.choice(country.date_formats)


def company(rng, country):
    form = rng.choice(country.forms)
    name = rng.choice([
        lambda: f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(SHOPS)}",
        lambda: f"{rng.choice(WORDS)} {rng.choice(SHOPS)}",
        lambda: f"{rng.choice(('SYARIKAT', 'KEDAI', 'PERNIAGAAN', 'THE'))} {rng.choice(WORDS)} {rng.choice(WORDS)}",
        lambda: f"{rng.choice(WORDS)}{rng.choice(('MART', 'MAX', 'WAY', 'LAND'))} {rng.choice(SHOPS)}",
    ])()
    return f"{name} {form}".strip()


def address(rng, country):
    """2 to 4 lines as a till prints them: number and street, area, postcode and city, state."""
    street = f"{rng.choice(('NO. ', 'NO ', 'LOT ', ''))}{rng.randrange(1, 250)}{rng.choice((', ', ' ', ','))}" \
             f"{_fill(rng, rng.choice(country.streets))}"
    code, city, state = rng.choice(country.cities)
    code = _fill(rng, code)
    lines = [street]
    if rng.random() < 0.7:
        lines.append(_fill(rng, rng.choice(country.areas)))
    lines.append(f"{code} {city}" if city else code)
    if state and rng.random() < 0.7:
        lines.append(state)
    comma = rng.random() < 0.6
    lines = [line + ("," if comma and i < len(lines) - 1 else "") for i, line in enumerate(lines)]
    if rng.random() < 0.4:
        lines[-1] += "."
    if rng.random() < 0.3 and len(lines) > 2:                   # two short lines printed as one
        i = rng.randrange(len(lines) - 1)
        lines[i:i + 2] = [f"{lines[i]} {lines[i + 1]}"]
    return lines


def content(rng):
    country = rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]
    kind = rng.choice(("food", "goods", "goods"))
    tax_label, rate = rng.choice(country.tax)
    items = []
    for desc in rng.sample(GOODS[kind], rng.choice((1, 1, 2, 2, 3, 4, 5, 6, 8, 10, 12))):
        qty = rng.choice((1, 1, 1, 1, 2, 2, 3, 4, 6, 10))
        price = Decimal(rng.choice((rng.randrange(50, 2000), rng.randrange(100, 9000), rng.randrange(5, 60) * 10))) / 100
        items.append((desc, qty, price, qty * price))
    subtotal = sum(amount for *_, amount in items)
    discount = (subtotal * rng.choice((5, 10)) / 100).quantize(Decimal("0.01"), ROUND_HALF_UP) \
        if rng.random() < 0.1 else Decimal(0)
    service = ((subtotal - discount) * Decimal("0.10")).quantize(Decimal("0.01"), ROUND_HALF_UP) \
        if kind == "food" and rng.random() < 0.3 else Decimal(0)
    tax = ((subtotal - discount + service) * rate / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    exact = subtotal - discount + service + tax
    total = (exact / country.coin).quantize(Decimal(1), ROUND_HALF_UP) * country.coin
    # Cash: a note at least the total, or the exact amount (a card).
    paid = max(total, Decimal(rng.choice((10, 20, 50, 50, 100, 100, 200)))) if rng.random() < 0.7 else total
    date, date_fmt = printed_date(rng, country)
    return {
        "kind": "receipt", "country": country, "company": company(rng, country),
        "registration": [_fill(rng, p) for p in rng.sample(country.registration, rng.choice((0, 1, 1, 2)))],
        "address": address(rng, country), "phone": _fill(rng, country.phone),
        "title": rng.choice(TITLES), "number": _fill(rng, rng.choice(("CS#######", "INV######", "#########",
                                                                     "R#-######", "OR########", "T##-#####"))),
        "date": date, "date_fmt": date_fmt, "date_text": values.DATE_FORMATS[date_fmt](date),
        "time": f"{rng.randrange(7, 23):02d}:{rng.randrange(60):02d}" + (f":{rng.randrange(60):02d}" if rng.random() < 0.4 else ""),
        "cashier": rng.choice(("ADMIN", "CASHIER 1", "SITI", "AHMAD", "MEI LING", "RAJ", "JOHN", "01", "POS2")),
        "items": items, "subtotal": subtotal, "discount": discount, "service": service,
        "tax_label": tax_label, "tax_rate": rate, "tax": tax, "rounding": total - exact, "total": total,
        "total_label": rng.choice(TOTAL_LABELS).replace("(RM)", f"({country.currency})"),
        "paid": paid, "footer": rng.sample(FOOTERS, rng.choice((1, 1, 2))),
        "grouped": rng.random() < 0.5, "currency_on": rng.choice(("none", "none", "total", "all")),
    }


def money(r, amount, currency=False):
    """An amount as this till prints it: 1,234.50 or 1234.50, with the currency where it puts one."""
    n = f"{amount:,.2f}" if r["grouped"] else f"{amount:.2f}"
    gap = "" if r["country"].currency in ("$", "£", "S$") else " "
    return f"{r['country'].currency}{gap}{n}" if currency else n
