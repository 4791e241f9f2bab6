"""SOLDE_EMAIL_URL becomes Django's SMTP settings."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from solde.config.settings import _email

CASES = [
    # url, host, port, user, password, starttls, implicit TLS
    ("smtp://mail.test", "mail.test", 25, "", "", False, False),
    ("smtp://u:p@mail.test:587", "mail.test", 587, "u", "p", True, False),
    ("smtp://u:p@mail.test:587?starttls=0", "mail.test", 587, "u", "p", False, False),
    ("smtp://mail.test:2525?starttls=1", "mail.test", 2525, "", "", True, False),
    ("smtp+starttls://mail.test:2525", "mail.test", 2525, "", "", True, False),
    ("smtps://me%40acme.fr:p%3Ass@mail.test", "mail.test", 465, "me@acme.fr", "p:ss", False, True),
]


@pytest.mark.parametrize(("url", "host", "port", "user", "password", "tls", "ssl"), CASES)
def test_email_url(url, host, port, user, password, tls, ssl):
    config = _email(url)
    assert config["EMAIL_HOST"] == host
    assert config["EMAIL_PORT"] == port
    assert config["EMAIL_HOST_USER"] == user
    assert config["EMAIL_HOST_PASSWORD"] == password
    assert config["EMAIL_USE_TLS"] is tls
    assert config["EMAIL_USE_SSL"] is ssl


def test_timeout_defaults_to_thirty_seconds_and_can_be_set():
    assert _email("smtp://mail.test")["EMAIL_TIMEOUT"] == 30
    assert _email("smtp://mail.test?timeout=5")["EMAIL_TIMEOUT"] == 5


def test_an_unknown_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured, match="unknown scheme 'http'"):
        _email("http://mail.test")
