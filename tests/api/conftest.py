"""What the API's tests share: a client that carries a personal token."""

from __future__ import annotations

import itertools

import pytest
from rest_framework.test import APIClient

from api import services

_numbers = itertools.count(1)


def token_for(user, *scopes, name=None) -> str:
    """A new token of ``user`` with the write ``scopes``; its secret."""
    name = name or f"Tests {next(_numbers)}"
    _token, secret = services.token_create(user=user, name=name, scopes=scopes)
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
