"""A recorded GoCardless for the tests: no network, no real credentials.

`recorded/*.json` hold one API response each (status, headers, body) with the request
it answers; `Bank` replays them through httpx.MockTransport and keeps the requests it
was sent, so tests can say what the connector asked for.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from solde.banking.feeds.gocardless import GoCardless, clear_token_cache

RECORDED = Path(__file__).resolve().parent / "recorded"
ACCOUNT_ID = "7e944232-bda9-40bc-b784-660c7ab5fe78"
REQUISITION_ID = "8126e9fb-93c9-4228-937c-68f0383c2df7"
OUR_IBAN = "FR7630006000011234567890189"
LINKED = ["requisition_linked", "agreement_accepted", "account_metadata", "account_details"]


def recorded(name: str) -> dict:
    return json.loads((RECORDED / f"{name}.json").read_text())


class Bank:
    """Answers each (method, path) with the responses queued for it, in order; the last
    one of a route keeps answering. A request nobody queued fails the test."""

    def __init__(self, *names: str):
        clear_token_cache()  # each test starts in a fresh process, as far as tokens go
        self.routes: dict[tuple[str, str], list[dict]] = {}
        self.requests: list[httpx.Request] = []
        self.on("token_new", *names)

    def on(self, *names: str) -> Bank:
        for name in names:
            response = recorded(name)
            key = (response["request"]["method"], response["request"]["path"])
            self.routes.setdefault(key, []).append(response)
        return self

    def instead(self, *names: str) -> Bank:
        """Replace what the routes of `names` answer."""
        for name in names:
            request = recorded(name)["request"]
            self.routes.pop((request["method"], request["path"]), None)
        return self.on(*names)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        queue = self.routes.get((request.method, request.url.path))
        if not queue:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        response = queue.pop(0) if len(queue) > 1 else queue[0]
        return httpx.Response(
            response["status"], headers=response.get("headers", {}), json=response["body"]
        )

    def adapter(self, **options) -> GoCardless:
        transport = httpx.MockTransport(self.handle)
        return GoCardless("test-secret-id", "test-secret-key", transport=transport, **options)

    def asked(self, path_part: str = "") -> list[httpx.Request]:
        """The requests sent, but the token ones, whose path contains `path_part`."""
        return [r for r in self.requests if "/token/" not in r.url.path and path_part in r.url.path]
