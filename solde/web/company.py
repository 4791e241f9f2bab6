"""The company a page works in: taken from the URL, open only to its members.

Every company page is `/c/<slug>/...` and wrapped in `company_page`, which loads the
company, answers 404 to a non-member (as the API does: another company's data does not
exist for you) and 403 when the member's role does not allow the page's action.

It also answers 404 when the view's company-scoped getter (customer_get, invoice_get…)
raises solde.core.errors.NotFound: a member who puts another company's UUID under their
own company's URL finds nothing, as the API says (api/problems.py), on every page at
once rather than in each view.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from solde.companies.models import Company, Membership
from solde.core.errors import NotFound
from solde.core.roles import Action, can


def company_page(action: Action = Action.READ):
    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, company: str, *args, **kwargs):
            membership = (
                Membership.objects.select_related("company")
                .filter(company__slug=company, user=request.user)
                .first()
            )
            if membership is None:
                raise Http404("No such company.")
            request.company = membership.company
            request.role = membership.role
            if not can(request.role, action):
                raise PermissionDenied(f"Your role does not allow: {action.value}.")
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                raise Http404(exc.message) from exc

        return wrapper

    return decorate


def user_companies(user) -> list[Company]:
    return list(Company.objects.filter(memberships__user=user).order_by("name"))


def navigation(request) -> dict:
    """Template context: the current company, the user's other companies, what they may do."""
    company = getattr(request, "company", None)
    if company is None:
        return {}
    role = request.role
    match = request.resolver_match
    return {
        "section": match.url_name.split("_")[0] if match and match.url_name else "",
        "company": company,
        "role": role,
        "may": {action.value: can(role, action) for action in Action},
    }
