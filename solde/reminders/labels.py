"""What the reminder pages call channels, tones, statuses and holiday calendars."""

from __future__ import annotations

from django.utils.translation import gettext_lazy, pgettext_lazy

CHANNELS = {
    "email": gettext_lazy("Email"),
    "letter": gettext_lazy("Letter (PDF by email)"),
    "task": gettext_lazy("Task for a person"),
}
TONES = {
    "courtesy": gettext_lazy("Courtesy"),
    "friendly": gettext_lazy("Friendly"),
    "firm": gettext_lazy("Firm"),
    "formal": gettext_lazy("Formal notice"),
    "escalation": gettext_lazy("Escalation"),
}
# Reminders; promises; payment plans (an "open" task waits for a person).
STATUSES = {
    "reminder": {
        "queued": pgettext_lazy("reminder status", "Sent"),
        "open": pgettext_lazy("reminder status", "To do"),
        "done": pgettext_lazy("reminder status", "Done"),
    },
    "promise": {
        "open": pgettext_lazy("promise status", "Pending"),
        "kept": pgettext_lazy("promise status", "Kept"),
        "broken": pgettext_lazy("promise status", "Broken"),
        "cancelled": pgettext_lazy("promise status", "Cancelled"),
    },
    "payment_plan": {
        "active": pgettext_lazy("payment plan status", "Under way"),
        "completed": pgettext_lazy("payment plan status", "Completed"),
        "broken": pgettext_lazy("payment plan status", "Broken"),
        "cancelled": pgettext_lazy("payment plan status", "Cancelled"),
    },
}
HOLIDAY_REGIONS = [
    ("", gettext_lazy("Metropolitan France")),
    ("57", gettext_lazy("Moselle (57)")),
    ("67", gettext_lazy("Bas-Rhin (67)")),
    ("68", gettext_lazy("Haut-Rhin (68)")),
]
PLACEHOLDERS = {
    "company": gettext_lazy("your company's name"),
    "customer": gettext_lazy("the customer's name"),
    "invoices": gettext_lazy("the invoices chased, one line each"),
    "total_due": gettext_lazy("what is due on them"),
    "late_fees": gettext_lazy("late-payment interest to date"),
    "indemnity": gettext_lazy("the fixed recovery indemnities"),
    "total_with_fees": gettext_lazy("what is due, interest and indemnities included"),
    "days_overdue": gettext_lazy("days late of the oldest invoice"),
    "oldest_due_date": gettext_lazy("the oldest due date"),
    "iban": gettext_lazy("your IBAN"),
}
