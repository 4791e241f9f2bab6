import pytest
from rest_framework.test import APIClient

from solde.companies.services import token_create
from tests.builders import make_user


def client_for(user, company, scope="write") -> APIClient:
    _, key = token_create(user=user, company=company, scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def api(owner, company):
    return client_for(owner, company)


@pytest.fixture
def outsider_api(outsider, other_company):
    return client_for(outsider, other_company)


@pytest.fixture
def viewer_api(company):
    return client_for(make_user(company, "viewer"), company)
