"""API keys: `Authorization: Bearer sk_…` (or `Token sk_…`); each key belongs to one company."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from solde.companies.models import ApiToken
from solde.companies.services import token_lookup
from solde.core import clock


class TokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace").split()
        if not header or header[0].lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header.")
        token = token_lookup(header[1])
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Unknown or revoked API key.")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=clock.now())
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class TokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the API keys."""

    target_class = "solde.api.authentication.TokenAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key (sk_…) made "
            "with `solde token create`; it acts for one user in one company.",
        }
