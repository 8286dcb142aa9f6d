"""Per-country conventions: currency, number and date formats, paper, tax, and address parts.

Each locale lists only formats that are really used there, so that a document is plausible as a whole.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Locale:
    code: str
    country: str
    paper: str                      # "A4" or "Letter"
    currency: str                   # ISO 4217
    # How amounts with a currency are printed: (template, currency-token, token-is-unambiguous).
    # "{n}" is the formatted number.
    money_styles: tuple
    group: str                      # thousands separator
    decimal: str
    decimals: int = 2
    indian_grouping: bool = False   # 1,23,45,678.00
    date_formats: tuple = ()
    tax_label: str = "VAT"
    tax_rates: tuple = (20,)
    legal_forms: tuple = ()
    cities: tuple = ()              # (city, postcode pattern): # a digit, @ a letter, others literal
    street_style: str = "{n} {s} Street"
    streets: tuple = ()
    phone: str = "+00 ### ### ####"   # # a digit
    iban_country: str = ""


LOCALES = (
    Locale("en_US", "the United States", "Letter", "USD",
           (("${n}", "$", False), ("USD {n}", "USD", True), ("{n} USD", "USD", True)),
           ",", ".", date_formats=("mdy_slash", "mon_d_y", "month_d_y", "iso"),
           tax_label="Sales tax", tax_rates=(0, 6, 7.25, 8.875),
           legal_forms=("Inc.", "LLC", "Corp."),
           cities=(("Springfield, IL", "#####"), ("Portland, OR", "#####"), ("Austin, TX", "#####"),
                   ("Columbus, OH", "#####"), ("Raleigh, NC", "#####")),
           street_style="{n} {s} Avenue", streets=("Maple", "Lakeview", "Jefferson", "Cedar", "Washington"),
           phone="(###) ###-####"),
    Locale("en_GB", "the United Kingdom", "A4", "GBP",
           (("£{n}", "£", True), ("GBP {n}", "GBP", True)),
           ",", ".", date_formats=("dmy_slash", "d_month_y", "d_mon_y", "iso"),
           tax_rates=(20,), legal_forms=("Ltd", "PLC", "LLP"),
           cities=(("Leeds", "LS# #@@"), ("Bristol", "BS# #@@"), ("Manchester", "M## #@@"),
                   ("Edinburgh", "EH# #@@"), ("Cardiff", "CF## #@@")),
           street_style="{n} {s} Road", streets=("Victoria", "Station", "Kingsway", "Mill", "Church"),
           phone="+44 ## #### ####", iban_country="GB"),
    Locale("en_IE", "Ireland", "A4", "EUR",
           (("€{n}", "€", True), ("EUR {n}", "EUR", True)),
           ",", ".", date_formats=("dmy_slash", "d_month_y", "d_mon_y_dash"),
           tax_rates=(23, 13.5), legal_forms=("Ltd", "DAC"),
           cities=(("Dublin", "D## @#@#"), ("Cork", "T## @#@#"), ("Galway", "H## @#@#")),
           street_style="{n} {s} Street", streets=("Dame", "Patrick", "Grafton", "Quay"),
           phone="+353 # ### ####", iban_country="IE"),
    Locale("de_DE", "Germany", "A4", "EUR",
           (("{n} €", "€", True), ("{n} EUR", "EUR", True), ("EUR {n}", "EUR", True)),
           ".", ",", date_formats=("dmy_dot", "iso", "d_month_y"),
           tax_label="USt.", tax_rates=(19, 7), legal_forms=("GmbH", "AG", "GmbH & Co. KG", "e.K."),
           cities=(("Berlin", "#####"), ("Hamburg", "#####"), ("Köln", "#####"), ("Leipzig", "#####")),
           street_style="{s}straße {n}", streets=("Haupt", "Bahnhof", "Linden", "Garten", "Schiller"),
           phone="+49 ## #######", iban_country="DE"),
    Locale("fr_FR", "France", "A4", "EUR",
           (("{n} €", "€", True), ("{n} EUR", "EUR", True)),
           " ", ",", date_formats=("dmy_slash", "d_month_y", "iso"),
           tax_label="TVA", tax_rates=(20, 10), legal_forms=("SARL", "SAS", "SA"),
           cities=(("Lyon", "#####"), ("Nantes", "#####"), ("Lille", "#####"), ("Toulouse", "#####")),
           street_style="{n} rue {s}", streets=("de la Paix", "Victor Hugo", "des Lilas", "Pasteur"),
           phone="+33 # ## ## ## ##", iban_country="FR"),
    Locale("nl_NL", "the Netherlands", "A4", "EUR",
           (("€ {n}", "€", True), ("EUR {n}", "EUR", True)),
           ".", ",", date_formats=("dmy_dash", "d_month_y", "iso"),
           tax_label="BTW", tax_rates=(21, 9), legal_forms=("B.V.", "N.V."),
           cities=(("Utrecht", "#### @@"), ("Rotterdam", "#### @@"), ("Eindhoven", "#### @@")),
           street_style="{s}straat {n}", streets=("Kerk", "Molen", "Dorps", "Nieuwe"),
           phone="+31 ## ### ####", iban_country="NL"),
    Locale("de_CH", "Switzerland", "A4", "CHF",
           (("CHF {n}", "CHF", True), ("{n} CHF", "CHF", True)),
           "'", ".", date_formats=("dmy_dot", "d_month_y"),
           tax_label="MWST", tax_rates=(8.1, 2.6), legal_forms=("AG", "GmbH"),
           cities=(("Zürich", "####"), ("Basel", "####"), ("Bern", "####")),
           street_style="{s}strasse {n}", streets=("Bahnhof", "See", "Berg", "Rosen"),
           phone="+41 ## ### ## ##", iban_country="CH"),
    Locale("sv_SE", "Sweden", "A4", "SEK",
           (("{n} kr", "kr", False), ("{n} SEK", "SEK", True)),
           " ", ",", date_formats=("iso",),
           tax_label="Moms", tax_rates=(25, 12), legal_forms=("AB", "HB"),
           cities=(("Göteborg", "### ##"), ("Malmö", "### ##"), ("Uppsala", "### ##")),
           street_style="{s}gatan {n}", streets=("Storgatan", "Kungs", "Drottning", "Skol"),
           phone="+46 ## ### ## ##", iban_country="SE"),
    Locale("ja_JP", "Japan", "A4", "JPY",
           (("¥{n}", "¥", False), ("JPY {n}", "JPY", True)),
           ",", ".", decimals=0, date_formats=("iso", "ymd_slash", "month_d_y"),
           tax_label="Consumption tax", tax_rates=(10, 8), legal_forms=("K.K.", "Co., Ltd."),
           cities=(("Osaka", "###-####"), ("Nagoya", "###-####"), ("Fukuoka", "###-####")),
           street_style="{n}-{n} {s}", streets=("Umeda", "Sakae", "Tenjin", "Nishiki"),
           phone="+81 #-####-####"),
    Locale("en_IN", "India", "A4", "INR",
           (("₹{n}", "₹", True), ("INR {n}", "INR", True), ("Rs. {n}", "Rs.", True)),
           ",", ".", indian_grouping=True, date_formats=("dmy_slash", "dmy_dash", "d_mon_y"),
           tax_label="GST", tax_rates=(18, 12, 5), legal_forms=("Pvt. Ltd.", "LLP"),
           cities=(("Bengaluru", "######"), ("Pune", "######"), ("Chennai", "######")),
           street_style="{n}, {s} Road", streets=("MG", "Residency", "Brigade", "Church"),
           phone="+91 ##### #####"),
    Locale("en_CA", "Canada", "Letter", "CAD",
           (("${n}", "$", False), ("CA${n}", "CA$", True), ("CAD {n}", "CAD", True)),
           ",", ".", date_formats=("iso", "mon_d_y", "month_d_y"),
           tax_label="GST/HST", tax_rates=(13, 5), legal_forms=("Inc.", "Ltd."),
           cities=(("Toronto, ON", "@#@ #@#"), ("Ottawa, ON", "@#@ #@#"), ("Halifax, NS", "@#@ #@#")),
           street_style="{n} {s} Street", streets=("King", "Queen", "Bay", "Elgin"),
           phone="(###) ###-####"),
    Locale("en_AU", "Australia", "A4", "AUD",
           (("A${n}", "A$", True), ("AUD {n}", "AUD", True), ("${n}", "$", False)),
           ",", ".", date_formats=("dmy_slash", "d_month_y", "d_mon_y"),
           tax_label="GST", tax_rates=(10,), legal_forms=("Pty Ltd",),
           cities=(("Sydney NSW", "####"), ("Brisbane QLD", "####"), ("Perth WA", "####")),
           street_style="{n} {s} Street", streets=("George", "Collins", "Hay", "Adelaide"),
           phone="+61 # #### ####"),
)

PAPER = {"A4": (595.276, 841.89), "Letter": (612.0, 792.0)}
