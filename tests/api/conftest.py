import pytest

from tests.api.api_helpers import client_for
from tests.builders import make_user


@pytest.fixture
def api(owner, company):
    """The owner of `company`, with a write key."""
    return client_for(owner, company)


@pytest.fixture
def outsider_api(outsider, other_company):
    """The owner of another company, with a write key: must get 404 on `company`'s objects."""
    return client_for(outsider, other_company)


@pytest.fixture
def viewer_api(company):
    return client_for(make_user(company, "viewer"), company)
