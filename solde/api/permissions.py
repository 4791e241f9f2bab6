"""One gate for the API: the company comes from the key (or the session's chosen company),
and the member's role decides what each request may do."""

from __future__ import annotations

from rest_framework import permissions

from solde.companies.models import ApiToken, Membership
from solde.core.roles import Action, can


def request_company(request):
    """The company a request acts for, or None."""
    if isinstance(request.auth, ApiToken):
        return request.auth.company
    user = request.user
    if user is None or not user.is_authenticated:
        return None
    slug = request.headers.get("X-Solde-Company") or request.session.get("company")
    memberships = Membership.objects.filter(user=user).select_related("company")
    if slug:
        memberships = memberships.filter(company__slug=slug)
    membership = memberships.order_by("id").first()
    return membership.company if membership else None


def request_role(request) -> str | None:
    company = request_company(request)
    if company is None:
        return None
    return (
        Membership.objects.filter(company=company, user=request.user)
        .values_list("role", flat=True)
        .first()
    )


class CompanyMember(permissions.BasePermission):
    """Reads need membership; writes need a write key and a role allowing the view's action."""

    def has_permission(self, request, view) -> bool:
        role = request_role(request)
        if role is None:
            return False
        if request.method in permissions.SAFE_METHODS:
            return can(role, Action.READ)
        if isinstance(request.auth, ApiToken) and request.auth.scope != "write":
            return False
        action = getattr(view, "write_action", None) or Action.MANAGE_COMPANY
        return can(role, action)
