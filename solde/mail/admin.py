"""Operators only: read the outbox, see what failed and why."""

from django.contrib import admin

from solde.mail.models import EmailTemplate, OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "company", "kind", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["subject", "message_id"]
    readonly_fields = [field.name for field in OutboundEmail._meta.fields]


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):
    list_display = ["company", "kind", "language", "subject", "updated_at"]
    list_filter = ["kind", "language"]
