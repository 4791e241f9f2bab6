"""End-to-end tests: the real server (pytest-django's live_server) driven in Debian's
Chromium through Playwright. No browser is ever downloaded: without /usr/bin/chromium
(or SOLDE_CHROMIUM) these tests skip, unless SOLDE_REQUIRE_CHROMIUM=1 (CI) fails them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.builders import make_seller, make_user

# Playwright's sync API runs an event loop in the test thread; the ORM calls made here
# (fixtures) are plain synchronous calls, so Django's async guard is lifted for them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Screenshots go to a temporary folder; SOLDE_SCREENSHOTS=docs/screenshots refreshes the
# ones README.md shows (kept out of ordinary runs so that a test run leaves git clean).
SCREENSHOTS = os.environ.get("SOLDE_SCREENSHOTS", "")


def _chromium() -> str | None:
    return os.environ.get("SOLDE_CHROMIUM") or shutil.which("chromium")


@pytest.fixture(scope="session")
def chromium():
    path = _chromium()
    if not path:
        if os.environ.get("SOLDE_REQUIRE_CHROMIUM") == "1":
            pytest.fail("Chromium is required (SOLDE_REQUIRE_CHROMIUM=1) but not installed.")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(
        viewport={"width": 1280, "height": 800}, accept_downloads=True, locale="fr-FR"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def shoot(page, tmp_path):
    """Save a screenshot of the page (for docs/screenshots, shown in README.md)."""
    folder = Path(__file__).resolve().parents[2] / SCREENSHOTS if SCREENSHOTS else tmp_path

    def take(name: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
        assert (folder / f"{name}.png").stat().st_size > 10_000

    return take


PASSWORD = "correct-horse-battery"


@pytest.fixture
def seller(transactional_db):
    company = make_seller("atelier", legal_form="")
    make_user(company, "owner", email="marie@atelier.test", password=PASSWORD)
    return company
