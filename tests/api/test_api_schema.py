"""The OpenAPI schema generates cleanly; its docs are served without any CDN."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_and_docs_answer(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/balances/invoices/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"https://" not in docs.content
    assert b"/static/drf_spectacular_sidecar/" in docs.content


def test_schema_has_no_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )
