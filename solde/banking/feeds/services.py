"""Use cases of bank feeds: connect, link, pull, check, renew, revoke.

A pull reads the aggregator outside any transaction (the network is slow and a row
lock must not wait on it), imports the booked lines through `statements_import` (one
transaction; lines already there are skipped, so the window may overlap and a pull may
run twice), then records the outcome on the feed under its row lock.

Consents expire (90 days). The company is warned 7 days and 1 day before, once each,
told when a consent has expired, and told loudly when a feed has brought nothing for
more than SILENCE_BUSINESS_DAYS: a feed that stops silently is the failure users of
other tools complain about most. A warning is an audit event (`bank_feed.<kind>`,
with the owners to tell) written with the feed change it comes from, and a log
warning; solde.mail has no message to the company's own people yet.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from solde.audit.models import AuditEvent
from solde.audit.services import audit_record
from solde.banking.feeds import adapter_for
from solde.banking.feeds.base import Consent, FeedAdapter, FeedError, Pulled
from solde.banking.models import BankAccount, BankFeed, BankLine
from solde.banking.services import LOOKUP_CHUNK, BankImportResult, statements_import
from solde.companies.queries import owner_list
from solde.core import clock
from solde.core.errors import SoldeError
from solde.formats.bankstatement import dedup_keys
from solde.mail.services import company_notice_send

log = logging.getLogger(__name__)

OVERLAP_DAYS = 5  # pulled again before the last booked line: banks book late
FIRST_PULL_DAYS = 90  # history asked for at the first pull (the default agreement's)
SILENCE_BUSINESS_DAYS = 3  # more business days than this without a new line: warn
EXPIRY_WARNINGS = (7, 1)  # days before the consent ends, one warning each
FAILING_AFTER = 3  # consecutive failed pulls before a feed is marked failing
PULLABLE = (BankFeed.ACTIVE, BankFeed.FAILING)
RATE_LIMITED_ACTION = "bank_feed.rate_limited"
WAITING = "Waiting for the consent to be given at the bank."


@dataclass
class FeedPullResult:
    PULLED, SKIPPED, RATE_LIMITED = "pulled", "skipped", "rate_limited"
    EXPIRED, FAILED = "expired", "failed"

    feed: str
    outcome: str = PULLED
    message: str = ""
    date_from: date | None = None
    date_to: date | None = None
    lines: int = 0
    added: int = 0
    duplicates: int = 0
    pending: int = 0
    auto_matched: int = 0
    suggested: int = 0
    unmatched: int = 0
    retry_at: datetime | None = None
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


# Connecting.


def feed_connect(
    *,
    account: BankAccount,
    institution_id: str,
    redirect_url: str,
    provider: str = "gocardless",
    language: str = "fr",
    adapter: FeedAdapter | None = None,
    actor=None,
) -> tuple[BankFeed, str]:
    """Start a consent for `account` at a bank; returns the feed and the link to send the
    person to. The feed waits (pulls nothing) until `feed_link` sees the consent given.
    Reconnecting an account replaces its previous consent. Locks the feed row."""
    adapter = adapter or adapter_for(provider)
    started = adapter.start_consent(
        institution_id=institution_id,
        redirect_url=redirect_url,
        reference=uuid.uuid4().hex,
        language=language,
        history_days=FIRST_PULL_DAYS,
    )
    waiting = dict(provider=provider, institution_id=institution_id, status=BankFeed.ACTIVE)
    waiting |= dict(requisition_id=started.requisition_id, external_account_id="", failures=0)
    waiting |= dict(consent_expires_on=None, expiry_warned_on=None, last_error=WAITING)
    with transaction.atomic():
        feed = BankFeed.objects.select_for_update().filter(account=account).first()
        action = "renew" if feed else "connect"
        before = {"requisition": feed.requisition_id, "status": feed.status} if feed else None
        if feed is None:
            feed = BankFeed.objects.create(company=account.company, account=account, **waiting)
        else:
            BankFeed.objects.filter(pk=feed.pk).update(**waiting)
            feed.refresh_from_db()
        _audit(feed, action, actor, before=before, institution=institution_id)
    return feed, started.link


def feed_renew(
    *, feed: BankFeed, redirect_url: str, language: str = "fr", adapter=None, actor=None
) -> str:
    """Start a new consent for the same bank (before or after the old one expires);
    returns the link to send the person to."""
    same = dict(account=feed.account, institution_id=feed.institution_id, provider=feed.provider)
    _, link = feed_connect(
        redirect_url=redirect_url, language=language, adapter=adapter, actor=actor, **same
    )
    return link


def feed_link(*, feed: BankFeed, adapter: FeedAdapter | None = None, actor=None) -> BankFeed:
    """Once the person has given the consent: find the account it covers and start
    pulling. Called when the bank sends the person back, and by a pull that finds its
    feed still waiting. Raises FeedError when the consent covers another account.
    Locks the feed row."""
    adapter = adapter or adapter_for(feed.provider)
    consent = adapter.consent_status(feed.requisition_id)
    if consent.status == Consent.PENDING:
        return feed
    if consent.status != Consent.LINKED:
        ended = f"The bank consent was not given or has ended ({consent.provider_status})."
        return _expire(feed, ended, actor)
    chosen = _account_of(feed, adapter, consent)
    with transaction.atomic():
        row = BankFeed.objects.select_for_update().get(pk=feed.pk)
        row.external_account_id, row.consent_expires_on = chosen, consent.expires_on
        row.status, row.failures, row.last_error = BankFeed.ACTIVE, 0, ""
        row.expiry_warned_on = None
        row.save()
        _audit(row, "link", actor, account=chosen, consent_expires_on=consent.expires_on)
    return row


def _account_of(feed: BankFeed, adapter: FeedAdapter, consent: Consent) -> str:
    """The consent's account that is this feed's bank account: same IBAN, or the only one
    when the bank account has no IBAN to compare."""
    accounts = adapter.accounts(feed.requisition_id)
    ours = {n.replace(" ", "").upper() for n in (feed.account.iban, feed.account.number) if n}
    same = [a for a in accounts if a.iban.replace(" ", "").upper() in ours]
    if same:
        return same[0].id
    if len(accounts) == 1 and not feed.account.iban:
        return accounts[0].id
    found = ", ".join(a.iban or a.id for a in accounts) or "none"
    message = f"The consent covers account(s) {found}, not {feed.account}."
    raise FeedError(FeedError.BAD_DATA, message, field="account")


def feed_revoke(*, feed: BankFeed, adapter: FeedAdapter | None = None, actor=None) -> BankFeed:
    """Disconnect: the aggregator forgets the consent, the feed stops. Locks the feed row."""
    if feed.requisition_id:
        (adapter or adapter_for(feed.provider)).revoke(feed.requisition_id)
    with transaction.atomic():
        row = BankFeed.objects.select_for_update().get(pk=feed.pk)
        before = {"status": row.status}
        row.status = BankFeed.REVOKED
        row.save(update_fields=["status"])
        _audit(row, "revoke", actor, before=before)
    return row


# Pulling.


def feed_ids_to_pull() -> list[int]:
    """The feeds the schedule pulls: active or failing (a failing one may recover)."""
    return list(
        BankFeed.objects.filter(status__in=PULLABLE).order_by("pk").values_list("pk", flat=True)
    )


def feed_pull_queued(*, feed_id: int) -> str:
    """The scheduled pull of one feed, by id; its outcome ("gone" if it was deleted)."""
    feed = BankFeed.objects.filter(pk=feed_id).first()
    return feed_pull(feed=feed).outcome if feed is not None else "gone"


def feed_pull(
    *,
    feed: BankFeed,
    today: date | None = None,
    actor=None,
    adapter: FeedAdapter | None = None,
    match: bool = True,
) -> FeedPullResult:
    """Pull the booked lines from a few days before the account's last booked line to
    today, import the new ones, then match them. Safe to run twice: lines already
    imported are skipped, and the feed's counters move under its row lock.

    A rate limit waits until the bank's reset (the feed stays as it is); an ended
    consent marks the feed expired and warns; other errors count as failures.
    """
    today = today or clock.today()
    feed = BankFeed.objects.select_related("account", "company").get(pk=feed.pk)
    result = FeedPullResult(feed=str(feed.public_id))
    if feed.status not in PULLABLE:
        return _done(result, FeedPullResult.SKIPPED, f"The feed is {feed.status}.")
    waiting = _rate_limited_until(feed)
    if waiting is not None:
        result.retry_at = waiting
        return _done(result, FeedPullResult.RATE_LIMITED, f"Rate limited until {waiting}.")
    if feed.consent_expires_on is not None and feed.consent_expires_on < today:
        _expire(feed, _expired_text(feed), actor)
        return _done(result, FeedPullResult.EXPIRED, _expired_text(feed))
    try:
        adapter = adapter or adapter_for(feed.provider)
        if not feed.external_account_id:
            feed = feed_link(feed=feed, adapter=adapter, actor=actor)
            if not feed.external_account_id:
                ended = feed.status not in PULLABLE
                outcome = FeedPullResult.EXPIRED if ended else FeedPullResult.SKIPPED
                return _done(result, outcome, "The consent is not given yet.")
        result.date_from, result.date_to = _window(feed, today)
        pulled = adapter.transactions(feed.external_account_id, result.date_from, today)
        imported = _import(feed, pulled, result, actor)
    except FeedError as error:
        return _failed(feed, error, result, actor)
    except IntegrityError:  # another pull of this feed committed the same lines first
        return _done(result, FeedPullResult.SKIPPED, "Another pull of this feed ran meanwhile.")
    _record_success(feed, imported.added, actor)
    if match and imported.line_ids:
        _match(feed, imported.line_ids, result, actor)
    return result


def _done(result: FeedPullResult, outcome: str, message: str) -> FeedPullResult:
    result.outcome, result.message = outcome, message
    return result


def _window(feed: BankFeed, today: date) -> tuple[date, date]:
    last = (
        BankLine.objects.filter(account=feed.account)
        .order_by("-booking_date")
        .values_list("booking_date", flat=True)
        .first()
    )
    earliest = today - timedelta(days=FIRST_PULL_DAYS)  # the bank gives no more
    start = earliest if last is None else min(last - timedelta(days=OVERLAP_DAYS), today)
    return max(start, earliest), today


def _import(feed: BankFeed, pulled: Pulled, result: FeedPullResult, actor) -> BankImportResult:
    """The pulled statement through the one import; a pull that brings nothing new
    writes no statement row (a feed is pulled several times a day)."""
    statement = pulled.statement
    result.lines, result.pending = len(statement.lines), pulled.pending
    result.warnings = list(pulled.warnings)
    source = f"{feed.provider} {result.date_from}..{result.date_to}"
    if not _has_new_lines(feed.account, statement.lines):
        result.duplicates = len(statement.lines)
        return BankImportResult(file=source, lines=len(statement.lines))
    try:
        imported = statements_import(
            company=feed.company,
            statements=[statement],
            source=source,
            format=feed.provider[:10],
            account=feed.account,
            match=False,  # after the feed is recorded: see _match
            actor=actor or "feed",
        )
    except SoldeError as error:
        raise FeedError(FeedError.BAD_DATA, f"{source}: {error.message}") from error
    result.added, result.duplicates = imported.added, imported.duplicates
    result.unmatched = imported.unmatched
    return imported


def _has_new_lines(account: BankAccount, lines) -> bool:
    keys = sorted(set(dedup_keys(account.number, lines)))
    for start in range(0, len(keys), LOOKUP_CHUNK):
        chunk = keys[start : start + LOOKUP_CHUNK]
        if BankLine.objects.filter(account=account, dedup_key__in=chunk).count() < len(chunk):
            return True
    return False


def _match(feed: BankFeed, line_ids: list[int], result: FeedPullResult, actor) -> None:
    """Match the new credits. The lines and the feed's state are committed already, so a
    matcher that fails leaves the lines open for the next `solde match`, not lost."""
    try:
        from solde.banking.matching import lines_match

        outcome = lines_match(company=feed.company, line_ids=line_ids, actor=actor or "feed")
    except Exception:  # any failure: logged, and the lines wait in the review queue
        log.exception("Bank feed %s: matching the pulled lines failed", feed.public_id)
        return
    result.auto_matched, result.suggested = outcome.auto, outcome.suggested
    result.unmatched = outcome.unmatched


def _record_success(feed: BankFeed, added: int, actor) -> None:
    with transaction.atomic():
        row = BankFeed.objects.select_for_update().get(pk=feed.pk)
        now = clock.now()
        row.last_pulled_at, row.failures, row.last_error = now, 0, ""
        if added:
            row.last_new_line_at, row.silence_warned_on = now, None  # the silence is over
        if row.status == BankFeed.FAILING:
            row.status = BankFeed.ACTIVE
            _audit(row, "recover", actor)
        row.save()


def _failed(feed: BankFeed, error: FeedError, result: FeedPullResult, actor) -> FeedPullResult:
    if error.kind == FeedError.RATE_LIMITED:
        result.retry_at = clock.now() + timedelta(seconds=error.retry_after or 3600)
        with transaction.atomic():
            BankFeed.objects.filter(pk=feed.pk).update(last_error=error.message[:2000])
            retry_at = result.retry_at.isoformat()
            _audit(feed, "rate_limited", actor, retry_at=retry_at, message=error.message)
        return _done(result, FeedPullResult.RATE_LIMITED, error.message)
    if error.kind == FeedError.CONSENT_EXPIRED:
        _expire(feed, error.message, actor)
        return _done(result, FeedPullResult.EXPIRED, error.message)
    with transaction.atomic():
        row = BankFeed.objects.select_for_update().get(pk=feed.pk)
        row.failures = min(row.failures + 1, 32767)
        row.last_error = f"{error.kind}: {error.message}"[:2000]
        if row.failures >= FAILING_AFTER and row.status == BankFeed.ACTIVE:
            row.status = BankFeed.FAILING
            text = _("The bank feed of %(account)s fails: %(error)s")
            _warn(row, "failing", text % {"account": row.account, "error": error.message})
        row.save()
    log.warning("Bank feed %s: %s", feed.public_id, error.message)
    return _done(result, FeedPullResult.FAILED, error.message)


def _rate_limited_until(feed: BankFeed) -> datetime | None:
    """The end of the wait the aggregator last asked for, while it lasts."""
    event = (
        AuditEvent.objects.filter(
            company=feed.company, object_id=feed.public_id, action=RATE_LIMITED_ACTION
        )
        .order_by("-at", "-id")
        .first()
    )
    if event is None or not (event.after or {}).get("retry_at"):
        return None
    until = datetime.fromisoformat(event.after["retry_at"])
    return until if until > clock.now() else None


# Checking and warning.


def feeds_check(*, today: date | None = None) -> dict[str, int]:
    """Daily: warn of consents ending within 7 days and 1 day (once each), mark ended
    ones expired, and warn once per silence when a feed brought no new line for more
    than SILENCE_BUSINESS_DAYS. Each feed is checked under its row lock, so two checks
    at once warn once."""
    today = today or clock.today()
    counts = {"expiry_warnings": 0, "expired": 0, "silence_warnings": 0}
    for pk in (
        BankFeed.objects.filter(status__in=PULLABLE).order_by("pk").values_list("pk", flat=True)
    ):
        with transaction.atomic():
            row = BankFeed.objects.select_for_update().select_related("account").get(pk=pk)
            if row.status not in PULLABLE:
                continue
            told = _check_expiry(row, today)
            if told:
                counts[told] += 1
            if row.status in PULLABLE and _check_silence(row, today):
                counts["silence_warnings"] += 1
    return counts


def _check_expiry(row: BankFeed, today: date) -> str:
    ends = row.consent_expires_on
    if ends is None:
        return ""
    left = (ends - today).days
    if left < 0:
        _expire(row, _expired_text(row), None)
        row.status = BankFeed.EXPIRED
        return "expired"
    stage = _stage(left)
    told = _stage((ends - row.expiry_warned_on).days) if row.expiry_warned_on else None
    if stage is None or (told is not None and told <= stage):
        return ""
    row.expiry_warned_on = today
    row.save(update_fields=["expiry_warned_on"])
    text = (
        _(
            "The bank consent of %(account)s ends today (%(date)s): renew it to keep "
            "receiving its lines."
        )
        if left == 0
        else ngettext(
            "The bank consent of %(account)s ends in %(days)d day (%(date)s): renew it to keep "
            "receiving its lines.",
            "The bank consent of %(account)s ends in %(days)d days (%(date)s): renew it to keep "
            "receiving its lines.",
            left,
        )
    )
    _warn(
        row,
        "consent_expiring",
        text % {"account": row.account, "days": left, "date": ends.isoformat()},
        days_left=left,
    )
    return "expiry_warnings"


def _stage(days_left: int) -> int | None:
    """The smallest warning threshold the days left fall within (1, else 7), or None."""
    return next((s for s in sorted(EXPIRY_WARNINGS) if days_left <= s), None)


def _check_silence(row: BankFeed, today: date) -> bool:
    since = (row.last_new_line_at or row.created_at).astimezone(clock.time_zone()).date()
    quiet = business_days_after(since, today)
    if quiet <= SILENCE_BUSINESS_DAYS:
        return False
    if row.silence_warned_on is not None and row.silence_warned_on >= since:
        return False  # this silence was told already
    row.silence_warned_on = today
    row.save(update_fields=["silence_warned_on"])
    text = _(
        "NO NEW BANK LINE for %(account)s for %(days)d business days (since %(since)s): the "
        "bank feed may have stopped. Check it, or import a statement file."
    ) % {"account": row.account, "days": quiet, "since": since.isoformat()}
    if row.last_error:
        text += " " + _("Last error: %s") % row.last_error
    _warn(
        row,
        "silent",
        text,
        business_days=quiet,
        since=since,
    )
    return True


def business_days_after(start: date, end: date) -> int:
    """Weekdays after `start` up to `end` included (bank holidays count as business
    days: a warning a day early is better than a day late)."""
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    extra = sum(1 for i in range(1, rest + 1) if (start + timedelta(days=i)).weekday() < 5)
    return weeks * 5 + extra


def _expired_text(feed: BankFeed) -> str:
    return _(
        "The bank consent of %(account)s ended on %(date)s: reconnect it to keep receiving "
        "its lines."
    ) % {"account": feed.account, "date": feed.consent_expires_on}


def _expire(feed: BankFeed, message: str, actor) -> BankFeed:
    """Mark the feed expired and warn, once: only the call that moves it does."""
    with transaction.atomic():
        row = BankFeed.objects.select_for_update().select_related("account").get(pk=feed.pk)
        if row.status in PULLABLE:
            row.status, row.last_error = BankFeed.EXPIRED, message[:2000]
            row.save(update_fields=["status", "last_error"])
            _warn(row, "consent_expired", message)
    return row


NOTICE_SUBJECTS = {
    "failing": _lazy("a bank feed fails"),
    "consent_expiring": _lazy("a bank consent ends soon"),
    "consent_expired": _lazy("a bank consent has ended"),
    "silent": _lazy("NO NEW BANK LINE for days"),
}


def _warn(feed: BankFeed, kind: str, message: str, **details) -> None:
    """Tell the company: an audit event naming the owners to tell, and a log warning.
    Call it inside the transaction of the feed change it comes from."""
    owners = [email for _, email in owner_list(company_id=feed.company_id)]
    _audit(feed, kind, None, message=message, to=owners, **details)
    log.warning("Bank feed %s (%s): %s", feed.public_id, kind, message)
    if owners:
        company_notice_send(
            company=feed.company,
            to=owners,
            subject=_("Solde: %s") % NOTICE_SUBJECTS[kind],
            body=message,
        )


def _audit(feed: BankFeed, verb: str, actor, *, before: dict | None = None, **after) -> None:
    audit_record(
        company=feed.company,
        actor=actor,
        action=f"bank_feed.{verb}",
        obj=feed,
        before=before,
        after=after or None,
    )
