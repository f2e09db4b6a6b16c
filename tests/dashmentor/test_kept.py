"""The one scheme for kept results (dashmentor/kept.py): a change marks what
was kept, in the cache now and again when the writer's transaction commits."""

import pytest
from django.core.cache import cache
from django.db import transaction

from dashmentor import kept

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_version_moves_now_and_again_at_commit():
    """A reader between the change and its commit may keep its result under the
    moved version; the second move at commit leaves that result unread."""
    cache.delete("test:kept-version")
    assert kept.cache_version("test:kept-version") == 1
    with transaction.atomic():
        kept.cache_version_bump("test:kept-version")
        during = kept.cache_version("test:kept-version")
        assert during == 2
    assert kept.cache_version("test:kept-version") == 3


def test_a_mark_is_written_again_at_commit_and_not_after_a_rollback():
    cache.delete("test:kept-mark")
    with transaction.atomic():
        kept.cache_mark({"test:kept-mark": "changed"}, 10)
        cache.set("test:kept-mark", "stale roles", 10)  # a reader overtaken
    assert cache.get("test:kept-mark") == "changed"
    cache.set("test:kept-mark", "fresh", 10)
    with pytest.raises(RuntimeError), transaction.atomic():
        kept.cache_mark({"test:kept-mark": "changed"}, 10)
        cache.set("test:kept-mark", "fresh", 10)
        raise RuntimeError
    assert cache.get("test:kept-mark") == "fresh"


def test_an_unreachable_cache_fails_no_write(monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "incr", down)
    monkeypatch.setattr(cache, "set", down)
    monkeypatch.setattr(cache, "set_many", down)
    with transaction.atomic():
        kept.cache_version_bump("test:kept-version")
        kept.cache_mark({"test:kept-mark": "changed"}, 10)
