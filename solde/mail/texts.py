"""Built-in email wordings (French and English) and the placeholder renderer.

Templates are edited by users, so they are not code: `render` only replaces `{name}`
with a known value. str.format_map would also evaluate `{name.attr}`, `{name[0]}` and
format specs such as `{name:>999999999}` (a memory bomb); a regex does none of that.
Anything else, unknown names included, stays visible as written.
"""

from __future__ import annotations

import re

LANGUAGES = ("fr", "en")

_SIGNATURE = {"fr": "Cordialement,\n{company}\n", "en": "Kind regards,\n{company}\n"}

DEFAULTS: dict[tuple[str, str], tuple[str, str]] = {
    ("invoice", "fr"): (
        "Facture {number} — {company}",
        "Bonjour,\n\n"
        "Veuillez trouver ci-joint notre facture {number} du {issue_date}, "
        "d'un montant de {total}, payable au plus tard le {due_date}.\n"
        "Reste à payer : {balance}.\n\n" + _SIGNATURE["fr"],
    ),
    ("invoice", "en"): (
        "Invoice {number} — {company}",
        "Hello,\n\n"
        "Please find attached our invoice {number} of {issue_date} for {total}, "
        "due by {due_date}.\n"
        "Amount outstanding: {balance}.\n\n" + _SIGNATURE["en"],
    ),
    ("credit_note", "fr"): (
        "Avoir {number} — {company}",
        "Bonjour,\n\nVeuillez trouver ci-joint notre avoir {number} du {issue_date}, "
        "d'un montant de {total}.\n\n" + _SIGNATURE["fr"],
    ),
    ("credit_note", "en"): (
        "Credit note {number} — {company}",
        "Hello,\n\nPlease find attached our credit note {number} of {issue_date} "
        "for {total}.\n\n" + _SIGNATURE["en"],
    ),
    ("quote", "fr"): (
        "Devis {number} — {company}",
        "Bonjour,\n\nVeuillez trouver notre devis {number} du {issue_date}, "
        "d'un montant de {total}, valable jusqu'au {valid_until}.\n\n" + _SIGNATURE["fr"],
    ),
    ("quote", "en"): (
        "Quote {number} — {company}",
        "Hello,\n\nPlease find our quote {number} of {issue_date} for {total}, "
        "valid until {valid_until}.\n\n" + _SIGNATURE["en"],
    ),
    ("statement", "fr"): (
        "Relevé de compte {period} — {company}",
        "Bonjour,\n\nVeuillez trouver ci-joint votre relevé de compte ({period}).\n"
        "Solde à ce jour : {balance}.\n\n" + _SIGNATURE["fr"],
    ),
    ("statement", "en"): (
        "Statement of account {period} — {company}",
        "Hello,\n\nPlease find attached your statement of account ({period}).\n"
        "Balance to date: {balance}.\n\n" + _SIGNATURE["en"],
    ),
    # Sent notice_days before a recurring invoice renews (solde.recurring).
    ("renewal", "fr"): (
        "Renouvellement de votre abonnement {name} — {company}",
        "Bonjour,\n\nVotre abonnement {name} sera renouvelé le {date}, "
        "pour un montant de {total}.\n\n" + _SIGNATURE["fr"],
    ),
    ("renewal", "en"): (
        "Renewal of your subscription {name} — {company}",
        "Hello,\n\nYour subscription {name} renews on {date} for {total}.\n\n" + _SIGNATURE["en"],
    ),
}
# The kinds of email a company may word (the settings page lists these, in this order).
KINDS = tuple(dict.fromkeys(kind for kind, _language in DEFAULTS))

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{(\w+)\}")


def render(template: str, values: dict[str, str]) -> str:
    """Replace each `{name}` found in `values`; `{{` and `}}` write literal braces."""

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name is None:
            return match.group(0)[0]
        return str(values[name]) if name in values else match.group(0)

    return _PLACEHOLDER.sub(replace, template)


def placeholders_in(template: str) -> list[str]:
    """The `{name}` placeholders a wording uses, in order, once each (`{{` is no brace)."""
    found = (match.group(1) for match in _PLACEHOLDER.finditer(template))
    return list(dict.fromkeys(name for name in found if name is not None))


def one_line(text: str) -> str:
    """A subject on one line: a name with a line break must not split the header.
    Only line breaks go; the no-break spaces of amounts stay."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())
