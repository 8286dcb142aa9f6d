"""The small-print block at the foot of a page: 5–7 pt, one line that holds the value a query asks for
(a payment reference or contract id), and distractor lines that hold other identifiers.
"""
import re

from . import fonts, values

# kind → (label, line template). The label always says "reference", "contract" or "case"; distractors
# never do, so the value is well defined for a reader who can see it.
ANSWER_LINES = {"invoice": (
    ("Payment reference", "Payment reference: {ref} · late fees {fee}%/month"),
    ("payment reference", "Please quote payment reference {ref} with every transfer; interest of {fee}% per month applies to late payment."),
    ("Remittance reference", "Remittance reference {ref} — payments without it may be delayed."),
    ("Contract ID", "Contract ID {ref} · governed by our general terms of business, version {year}."),
    ("Reference", "Reference {ref} · {fee}% per month is charged on overdue balances."),
), "form": (
    ("Claim reference", "Claim reference: {ref} · quote it in all correspondence."),
    ("Case reference", "Case reference {ref} — keep this number for your records."),
    ("Reference", "For office use · Reference {ref} · scanned and archived for {year}"),
)}


def distractors(rng, ctx):
    """Other fine print, each with ids that look like references but are not the answer."""
    loc = ctx["locale"]
    if ctx["kind"] == "form":
        lines = [
            f"Form {ctx['form_code']} · {ctx['issuer']} is authorised and regulated in {loc.country} under "
            f"licence {values.distractor_id(rng, 'L')}.",
            "Giving false or misleading information may make this claim void and may be reported to the "
            "authorities.",
            "We keep the personal data on this form for seven years; you may ask for a copy at any time.",
            f"Send the completed form to claims@{values.domain(ctx['issuer'])} or to "
            f"{', '.join(ctx['issuer_address'])}.",
        ]
        rng.shuffle(lines)
        return lines[:rng.randint(1, 3)]
    lines = [
        f"{ctx['issuer']} · registered in {loc.country}, company no. {values.distractor_id(rng, '')} · "
        f"{loc.tax_label} no. {values.distractor_id(rng, loc.code[-2:])}",
        "All goods remain our property until paid in full. Errors and omissions excepted. "
        "Complaints must be made in writing within 14 days of receipt.",
        f"Questions? Write to accounts@{values.domain(ctx['issuer'])} or call {values.phone(rng, loc)}.",
        "We process personal data to fulfil this contract; see our privacy notice for your rights "
        "to access, correction and erasure.",
    ]
    if loc.iban_country:
        lines.append(f"Bank transfer: IBAN {values.iban(rng, loc.iban_country)} · BIC "
                     f"{values.letters(rng, 4)}{loc.iban_country}{values.letters(rng, 2)}")
    rng.shuffle(lines)
    return lines[:rng.randint(1, 3)]


def wrap(surface, text, family, size, width):
    words, lines, current = text.split(" "), [], ""
    for word in words:
        trial = f"{current} {word}".strip()
        if current and surface.width_of(trial, family, size) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    return lines + [current]


def draw(surface, rng, ctx, x0, x1, bottom):
    """Draws the block upwards from `bottom`; returns the ground truth and the block's top y."""
    family = rng.choice(fonts.SMALL)
    size = rng.choice(ctx["small_sizes"])
    label, template = rng.choice(ANSWER_LINES[ctx["kind"]])
    ref = ctx["reference"]
    answer = template.format(ref=ref, fee=rng.choice(("1.5", "2", "1", "0.75")), year=ctx["date"].year)
    width = x1 - x0
    if surface.width_of(answer, family, size) > width:     # keep the answer on one line
        short = next(part for part in re.split(r" · |; ", template) if "{ref}" in part)
        answer = short.format(ref=ref, fee="1.5", year=ctx["date"].year)
    block = [(line, "distractor") for text in distractors(rng, ctx) for line in wrap(surface, text, family, size, width)]
    block.insert(rng.randint(0, len(block)), (answer, "answer"))
    leading = size * 1.25
    top = bottom - leading * len(block)
    truth_lines, value = [], None
    for i, (text, role) in enumerate(block):
        span = surface.text(x0, top + leading * (i + 1) - size * 0.25, text, family, size)
        truth_lines.append({"page": span.page, "text": text, "role": role, "box": span.box, "size": size,
                            "font": family})
        if role == "answer":
            value = {"printed": ref, "normalized": ref, "label": label, "page": span.page,
                     "box": span.part(ref), "line": text, "line_box": span.box, "size": size, "font": family}
    return value, truth_lines, top
