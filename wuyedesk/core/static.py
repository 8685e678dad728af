"""The storage of the static files (settings.STORAGES["staticfiles"])."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage (hashed names from the manifest, compressed copies), with each
    name's URL worked out once per process. The manifest is read when the storage is made
    and the URL of a name never changes while a process runs, but the parent class works it
    out again on every call (the name cleaned, looked up, split and joined): 8.7 µs a file,
    44 µs for the five files of every staff page (bench/README.md, session 18)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url(self, name, force=False):
        key = (name, force)
        found = self._urls.get(key)
        if found is None:
            found = self._urls[key] = super().url(name, force)
        return found
