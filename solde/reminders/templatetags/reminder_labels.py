"""Labels of the reminder pages: {{ step.channel|channel_label }},
{{ promise.status|reminder_status:"promise" }}."""

from __future__ import annotations

from django import template

from solde.reminders import labels

register = template.Library()


@register.filter
def channel_label(channel: str) -> str:
    return labels.CHANNELS.get(channel, channel)


@register.filter
def tone_label(tone: str) -> str:
    return labels.TONES.get(tone, tone)


@register.filter
def reminder_status(status: str, kind: str = "reminder") -> str:
    return labels.STATUSES.get(kind, {}).get(status, status)
