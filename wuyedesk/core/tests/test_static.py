"""core.static.StaticStorage (production's STORAGES["staticfiles"]; the tests serve the app
folders' files as they are): WhiteNoise's storage, each name's URL worked out once."""

import json

import pytest
from django.test import override_settings

from wuyedesk.core.static import StaticStorage


class Counting(StaticStorage):
    looked_up = 0

    def stored_name(self, name):
        self.looked_up += 1
        return super().stored_name(name)


@override_settings(DEBUG=False)
def test_a_names_url_is_the_manifests_and_worked_out_once(tmp_path):
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"version": "1.1", "paths": {"site/app.css": "site/app.0123abcd.css"}})
    )
    storage = Counting(location=tmp_path, base_url="/static/")
    assert storage.url("site/app.css") == "/static/site/app.0123abcd.css"
    assert storage.url("site/app.css") == "/static/site/app.0123abcd.css"
    assert storage.looked_up == 1
    # A name the manifest lacks is refused each time: nothing is kept of it.
    for tries in (2, 3):
        with pytest.raises(ValueError):
            storage.url("site/missing.css")
        assert storage.looked_up == tries
