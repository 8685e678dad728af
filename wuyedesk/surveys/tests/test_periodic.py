"""The quarter's campaign: two workers started together create exactly one."""

import datetime as dt
import threading

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from wuyedesk.surveys import defaults, services
from wuyedesk.surveys.models import Campaign, Invitation


@pytest.mark.django_db(transaction=True)
def test_two_workers_create_one_campaign(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    defaults.ensure_demo_questionnaire(
        apps.get_model, published_at=timezone.now() - dt.timedelta(days=1)
    )
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(services.campaign_auto_create(today=dt.date(2027, 1, 1)))
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Campaign.objects.filter(quarter="2027Q1").count() == 1
    assert len([r for r in results if r is not None]) == 1
    campaign = Campaign.objects.get()
    # One invitation per occupied household, no duplicates from the loser.
    assert Invitation.objects.filter(campaign=campaign).count() == 2
