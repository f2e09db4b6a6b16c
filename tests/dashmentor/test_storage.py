"""Production's static files storage: hashed URLs from the manifest."""

import json

import pytest

from dashmentor.storage import ManifestStaticFilesStorage


@pytest.fixture
def storage(tmp_path):
    (tmp_path / "staticfiles.json").write_text(
        json.dumps(
            {
                "version": "1.1",
                "hash": "0",
                "paths": {"css/portal.css": "css/portal.0123456789ab.css"},
            }
        )
    )
    return ManifestStaticFilesStorage(location=tmp_path, base_url="/static/")


def test_a_collected_file_is_linked_by_its_hashed_name_every_time(storage):
    assert storage.url("css/portal.css") == "/static/css/portal.0123456789ab.css"
    assert storage.url("css/portal.css") == "/static/css/portal.0123456789ab.css"


def test_a_file_missing_from_the_manifest_fails_every_time(storage):
    """A missing file is an error on each page, not only the first."""
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")
