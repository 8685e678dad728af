"""The demo (`wuyedesk seed`): the worklist has the two duplicate residents to merge, the
home its trend, and the archive a document due for destruction this month."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_demo_duplicates_and_archive(client_as, settings, tmp_path):
    from wuyedesk.accounts.models import User
    from wuyedesk.archive import selectors as archive
    from wuyedesk.archive.seeding import seed_demo as seed_archive
    from wuyedesk.dataquality import selectors
    from wuyedesk.dataquality.seeding import DUPLICATE_NAME
    from wuyedesk.dataquality.seeding import seed_demo as seed_duplicates
    from wuyedesk.dataquality.services import residents_merge

    settings.MEDIA_ROOT = tmp_path
    call_command("seed", communities=2, households=60, seed=3, tickets=40)
    assistant = User.objects.get(username="assistant")
    pairs = [p for p in selectors.duplicate_pairs(assistant) if p.first.name == DUPLICATE_NAME]
    assert len(pairs) == 1
    assert selectors.trend(assistant)["duplicates"]
    assert len(archive.due_for_destruction(assistant)) == 1
    assert seed_duplicates(seed=3) == {} and seed_archive(seed=3) == {}  # once only
    pair = pairs[0]
    residents_merge(by=assistant, survivor_id=pair.first.pk, duplicate_id=pair.second.pk)
    page = client_as(assistant).get("/").content.decode()
    assert 'data-figure="archive_due" data-count="1"' in page
