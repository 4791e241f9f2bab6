"""The weekly digest as an email to an owner: subject and plain-text body (the outbox
sends plain text only, like reminders), in French or English, with a link to the
dashboard at SOLDE_BASE_URL."""

from __future__ import annotations

from decimal import Decimal

from babel.dates import format_interval
from babel.numbers import format_decimal
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from solde.mail.compose import BABEL_LOCALES, day, money
from solde.mail.texts import LANGUAGES
from solde.reports.digest import Digest, Group, Item


def digest_language(language: str | None = None) -> str:
    """The language asked for, else the site's (SOLDE_LANGUAGE), else French."""
    code = (language or settings.LANGUAGE_CODE or "")[:2].lower()
    return code if code in LANGUAGES else "fr"


def dashboard_url(slug: str) -> str:
    return settings.BASE_URL.rstrip("/") + reverse("home", kwargs={"company": slug})


def _days(value: Decimal, language: str, signed: bool = False) -> str:
    pattern = "+#,##0.0;-#,##0.0" if signed else "#,##0.0"
    return format_decimal(value, format=pattern, locale=BABEL_LOCALES[language])


def _headline(label: str, group: Group, digest: Digest, language: str) -> str:
    total = money(group.total, digest.currency, language)
    return label % {"count": group.count, "total": total}


def _item(item: Item, wording: str, digest: Digest, language: str) -> str:
    values = {
        "customer": item.customer or _("unknown payer"),
        "number": item.number,
        "amount": money(item.amount, digest.currency, language),
        "date": day(item.day, language),
    }
    return "  - " + wording % values


def _section(part: tuple[str, str, Group], digest: Digest, language: str) -> list[str]:
    label, wording, group = part
    lines = [_headline(label, group, digest, language)]
    return lines + [_item(item, wording, digest, language) for item in group.largest]


def _parts(digest: Digest) -> tuple[list, list]:
    """(headline, wording of its items, group): the week's movements, then the
    escalations (shown under their own count)."""
    on = _("%(customer)s: %(amount)s on %(date)s")
    movements = [
        (_("Payments received: %(count)s, %(total)s"), on, digest.payments),
        (
            _("Invoices newly overdue: %(count)s, %(total)s"),
            _("%(number)s, %(customer)s: %(amount)s, due %(date)s"),
            digest.newly_overdue,
        ),
    ]
    escalations = [
        (_("Tasks and reminders waiting for a person: %(count)s, %(total)s"), on, digest.tasks),
        (_("Formal notices sent: %(count)s, %(total)s"), on, digest.formal_notices),
        (
            _("Disputes opened: %(count)s, %(total)s"),
            _("%(number)s, %(customer)s: %(amount)s, disputed on %(date)s"),
            digest.disputes,
        ),
        (
            _("Promises broken: %(count)s, %(total)s"),
            _("%(customer)s: %(amount)s promised for %(date)s"),
            digest.broken_promises,
        ),
    ]
    return movements, escalations


def _dso(digest: Digest, language: str) -> str:
    if digest.dso is None:
        return _("DSO: not defined (nothing invoiced over the period).")
    if digest.dso_change is None:
        return _("DSO: %(dso)s days.") % {"dso": _days(digest.dso, language)}
    return _("DSO: %(dso)s days (%(before)s a week before, %(change)s).") % {
        "dso": _days(digest.dso, language),
        "before": _days(digest.dso_before, language),
        "change": _days(digest.dso_change, language, signed=True),
    }


def _body(digest: Digest, week: str, language: str) -> str:
    intro = _("The receivables of %(company)s, week of %(week)s.")
    lines = [_("Hello,"), "", intro % {"company": digest.company, "week": week}, ""]
    movements, escalations = _parts(digest)
    for part in movements:
        lines += [*_section(part, digest, language), ""]
    lines.append(_("Escalations: %(count)s") % {"count": digest.escalations})
    for part in escalations:
        lines += _section(part, digest, language)
    standing = _("Receivables at %(date)s: %(total)s, of which %(overdue)s overdue.") % {
        "date": day(digest.as_of, language),
        "total": money(digest.receivables, digest.currency, language),
        "overdue": money(digest.overdue, digest.currency, language),
    }
    footer = _(
        "You receive this digest as an owner of %(company)s; turn it off in the company settings."
    )
    lines += [
        "",
        standing,
        _dso(digest, language),
        "",
        _("Open the dashboard: %(url)s") % {"url": dashboard_url(digest.slug)},
        "",
        "-- ",  # the signature separator: mail readers fold what follows
        footer % {"company": digest.company},
    ]
    return "\n".join(lines) + "\n"


def digest_email(digest: Digest, language: str) -> tuple[str, str]:
    """Subject and body of the digest in `language` ("fr" or "en")."""
    language = digest_language(language)
    week = format_interval(digest.start, digest.as_of, "yMMMMd", locale=BABEL_LOCALES[language])
    with translation.override(language):
        subject = _("%(company)s: weekly digest, %(week)s") % {
            "company": digest.company,
            "week": week,
        }
        return subject, _body(digest, week, language)
