"""Plausible random values and how they are printed: amounts, dates, identifiers, names, addresses.

Every function takes the document's `random.Random`, so a document is a pure function of its seed.
"""
import datetime as dt
import math
from decimal import Decimal, ROUND_HALF_UP

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")

# name → how a date is printed. Numeric formats with the day and month both ≤ 12 can be misread
# (see `is_unambiguous`).
DATE_FORMATS = {
    "iso": lambda d: d.strftime("%Y-%m-%d"),
    "ymd_slash": lambda d: d.strftime("%Y/%m/%d"),
    "dmy_slash": lambda d: d.strftime("%d/%m/%Y"),
    "mdy_slash": lambda d: d.strftime("%m/%d/%Y"),
    "dmy_dot": lambda d: d.strftime("%d.%m.%Y"),
    "dmy_dash": lambda d: d.strftime("%d-%m-%Y"),
    "d_month_y": lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}",
    "d_mon_y": lambda d: f"{d.day:02d} {MONTHS[d.month - 1][:3]} {d.year}",
    "d_mon_y_dash": lambda d: f"{d.day:02d}-{MONTHS[d.month - 1][:3]}-{d.year}",
    "mon_d_y": lambda d: f"{MONTHS[d.month - 1][:3]} {d.day}, {d.year}",
    "month_d_y": lambda d: f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
    # Two-digit years, as tills print them (receipts).
    "dmy_slash_yy": lambda d: d.strftime("%d/%m/%y"),
    "dmy_dash_yy": lambda d: d.strftime("%d-%m-%y"),
    "d_mon_yy": lambda d: f"{d.day:02d} {MONTHS[d.month - 1][:3].upper()} {d:%y}",
}
# Day-first or month-first numeric formats: a reader who does not know the convention sees two dates.
SWAPPABLE_FORMATS = {"dmy_slash", "mdy_slash", "dmy_dash", "dmy_slash_yy", "dmy_dash_yy"}


def is_unambiguous(fmt, date):
    return fmt not in SWAPPABLE_FORMATS or date.day > 12 or date.day == date.month


def printed_date(rng, locale):
    """A date in 2019–2025 and one of the locale's formats for it."""
    fmt = rng.choice(locale.date_formats)
    return dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(7 * 365)), fmt


def date_truth(date, fmt):
    return {"printed": DATE_FORMATS[fmt](date), "normalized": date.isoformat(), "format": fmt,
            "unambiguous": is_unambiguous(fmt, date)}


# ---------------------------------------------------------------------------------------------
# Amounts

CENT = Decimal("0.01")


def quantize(amount, locale):
    return amount.quantize(Decimal(1) if locale.decimals == 0 else CENT, rounding=ROUND_HALF_UP)


def number(amount, locale):
    """An amount as the locale prints it, without currency: 1.234,56 or 1,23,456.78 or 12,345."""
    amount = quantize(amount, locale)
    sign = "-" if amount < 0 else ""
    whole, _, frac = f"{abs(amount):f}".partition(".")
    if locale.indian_grouping and len(whole) > 3:
        head, tail = whole[:-3], whole[-3:]
        groups = [head[max(0, i - 2):i] for i in range(len(head), 0, -2)][::-1]
        whole = locale.group.join(groups + [tail])
    else:
        whole = _group3(whole, locale.group)
    return sign + whole + (locale.decimal + frac if locale.decimals else "")


def _group3(digits, sep):
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)]
    return sep.join(parts)


def plain_decimal(amount, locale):
    """The normalised form: digits, a dot, no grouping ("1234.56"; "12345" for JPY)."""
    return f"{quantize(amount, locale):f}"


def money_price(rng, locale, low, high):
    """A unit price between low and high in euro-like units (scaled for JPY, INR and SEK), log-uniform
    so that cheap items are as common as dear ones."""
    scale = {"JPY": 120, "INR": 80, "SEK": 10}.get(locale.currency, 1)
    value = Decimal(math.exp(rng.uniform(math.log(low), math.log(high))) * scale)
    if rng.random() < 0.4:
        value = value.quantize(Decimal(1)) + (Decimal("0.99") if rng.random() < 0.3 else 0)
    return quantize(value, locale)


# ---------------------------------------------------------------------------------------------
# Identifiers

def _digits(rng, n):
    return "".join(rng.choice("0123456789") for _ in range(n))


def letters(rng, n):
    return "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(n))


def invoice_number(rng, date):
    y, yy = date.year, date.year % 100
    return rng.choice([
        lambda: f"INV-{y}-{_digits(rng, 5)}",
        lambda: f"{rng.randrange(1000, 99999)}",
        lambda: f"{y}/{_digits(rng, 4)}",
        lambda: f"F-{yy:02d}-{_digits(rng, 5)}",
        lambda: f"RE-{date:%y%m%d}-{rng.randrange(1, 99):02d}",
        lambda: f"A{_digits(rng, 8)}",
        lambda: f"INV/{yy:02d}/{date.month:02d}/{_digits(rng, 4)}",
        lambda: f"SI-{_digits(rng, 6)}",
        lambda: f"{letters(rng, 2)}{_digits(rng, 6)}",
    ])()


def reference(rng, date):
    """The value the small-print query asks for: a payment reference or contract id."""
    return rng.choice([
        lambda: f"QZ-{_digits(rng, 5)}-{_digits(rng, 2)}",
        lambda: f"PR-{date.year}-{_digits(rng, 4)}",
        lambda: f"REF/{_digits(rng, 4)}/{_digits(rng, 4)}",
        lambda: f"CT-{_digits(rng, 5)}-{letters(rng, 1)}",
        lambda: creditor_reference(_digits(rng, 10)),
        lambda: f"{letters(rng, 3)}{_digits(rng, 7)}",
    ])()


def creditor_reference(body):
    """An ISO 11649 'RF' creditor reference with valid check digits (electronic form, no spaces)."""
    numeric = "".join(str(int(c, 36)) for c in body + "RF00")
    return f"RF{98 - int(numeric) % 97:02d}{body}"


def distractor_id(rng, prefix):
    return f"{prefix}{_digits(rng, rng.choice((6, 8, 9)))}"


def iban(rng, country):
    body = _digits(rng, 18)
    numeric = "".join(str(int(c, 36)) for c in body + country + "00")
    raw = f"{country}{98 - int(numeric) % 97:02d}{body}"
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))


# ---------------------------------------------------------------------------------------------
# Names and addresses

NAME_WORDS = ("Northwind", "Bluestone", "Silverline", "Redwood", "Brightwater", "Ironbridge",
              "Greenfield", "Oakridge", "Clearview", "Highland", "Summit", "Harbour", "Pinecrest",
              "Riverbend", "Goldleaf", "Starling", "Kestrel", "Meridian", "Atlas", "Vertex", "Polaris",
              "Cobalt", "Juniper", "Lumen", "Nordlicht", "Alpine", "Coastal", "Granite", "Falcon")
SURNAMES = ("Bergmann", "Okafor", "Lindqvist", "Moreau", "Tanaka", "Sharma", "O'Neill", "Kowalski",
            "Fischer", "Haddad", "Jansen", "Rossi", "Nakamura", "Patel", "MacLeod", "Dubois", "Novak",
            "Schmidt", "Andersson", "Müller", "García", "Brennan", "Iyer", "Van Dijk")
FIRST_NAMES = ("Anna", "Tom", "Priya", "Lukas", "Chloé", "Kenji", "Sara", "David", "Aoife", "Mateo",
               "Ingrid", "Ravi", "Emma", "Jonas", "Fatima", "Oliver", "Marta", "Yuki", "Liam", "Nora")


def person(rng):
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def company(rng, locale, trade):
    form = rng.choice(locale.legal_forms)
    return rng.choice([
        lambda: f"{rng.choice(NAME_WORDS)} {trade} {form}",
        lambda: f"{rng.choice(SURNAMES)} & {rng.choice(SURNAMES)} {form}",
        lambda: f"{rng.choice(SURNAMES)} {trade} {form}",
        lambda: f"{rng.choice(NAME_WORDS)}{rng.choice(('', ' ', '-'))}{rng.choice(NAME_WORDS)} {form}",
    ])()


def _pattern(rng, pattern):
    return "".join(rng.choice("0123456789") if c == "#" else rng.choice("ABCDEFGHJKLMNPRSTUVWXY")
                   if c == "@" else c for c in pattern)


def address(rng, locale):
    """Two lines: street, then postcode and city in the locale's order."""
    street = locale.street_style.replace("{s}", rng.choice(locale.streets))
    while "{n}" in street:
        street = street.replace("{n}", str(rng.randrange(1, 180)), 1)
    city, pattern = rng.choice(locale.cities)
    code = _pattern(rng, pattern)
    if locale.code in ("en_US", "en_CA", "en_AU", "en_GB", "en_IE", "ja_JP", "en_IN"):
        line2 = f"{city} {code}"
    else:
        line2 = f"{code} {city}"
    return [street, line2]


def phone(rng, locale):
    return _pattern(rng, locale.phone)


def domain(name):
    word = "".join(c for c in name.split(" ")[0].lower() if c.isalnum() and c.isascii())
    return f"{word or 'mail'}.example"
