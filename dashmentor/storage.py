"""The static files storage of production."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage, with each file's URL worked out once per process.

    The manifest does not change while the process runs; ``{% static %}`` asked
    it again, and normalized and joined the path again, on every page.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            self._urls[name] = url = super().url(name)
            return url
