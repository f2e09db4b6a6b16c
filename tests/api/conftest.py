"""What the API's tests share: a client that carries a personal token."""

from __future__ import annotations

import itertools

import pytest
from rest_framework.test import APIClient

from api import services
from api.models import ApiToken

_numbers = itertools.count(1)


def token_for(user, *scopes, name=None) -> str:
    """A new token of ``user`` with the write ``scopes``; its secret."""
    name = name or f"Tests {next(_numbers)}"
    token, secret = services.token_create(user=user, name=name)
    # Written on the row, not asked of the service (which offers only the
    # writes the owner's roles can make): a token kept from when its owner had
    # another role must still be refused the write by the API itself.
    ApiToken.objects.filter(pk=token.pk).update(scopes=sorted(scopes))
    return secret


def client_for(user, *scopes) -> APIClient:
    """An API client that sends a token of ``user`` (anonymous for None)."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user, *scopes)}")
    return client


@pytest.fixture
def api_client():
    return client_for
