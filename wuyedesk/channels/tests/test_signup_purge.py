"""Sign-ups whose number was never proven are deleted, password hash and all, once nobody has
touched them for SIGNUP_UNVERIFIED_KEEP_HOURS (#11): the hourly `signup-purge` job."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from wuyedesk.accounts.models import User
from wuyedesk.channels import services
from wuyedesk.channels.models import Signup, SignupStatus
from wuyedesk.channels.tasks import signup_purge_task
from wuyedesk.core.jobs import HOUR, JOBS
from wuyedesk.core.models import PeriodicJob
from wuyedesk.testing import make_resident

PASSWORD = "Sunny-day-2026"


def _submit(committed, room, phone):
    with committed():
        return services.signup_submit(phone=phone, name="赵敏", room=room, password=PASSWORD)


def _age(signup, *, hours, code_hours=None):
    """Make `signup` created `hours` ago and its last code sent `code_hours` ago."""
    now = timezone.now()
    code_hours = hours if code_hours is None else code_hours
    expires = now - dt.timedelta(hours=code_hours) + dt.timedelta(minutes=services.code_minutes())
    Signup.objects.filter(pk=signup.pk).update(
        created_at=now - dt.timedelta(hours=hours), code_expires_at=expires
    )


def test_unproven_sign_ups_past_the_setting_are_deleted_with_their_password_hash(
    world, sms_gateway, committed, settings
):
    settings.SIGNUP_UNVERIFIED_KEEP_HOURS = 24
    make_resident(world.rooms_a[2], name="赵敏", phone="13900002222")
    old = _submit(committed, world.rooms_a[2], "13900002222")
    _age(old.signup, hours=25)
    resent = _submit(committed, world.rooms_a[2], "13900003333")
    _age(resent.signup, hours=30, code_hours=1)  # a code sent an hour ago: still in use
    fresh = _submit(committed, world.rooms_a[2], "13900004444")
    _age(fresh.signup, hours=23)
    hash_of_old = Signup.objects.get(pk=old.signup.pk).password
    assert hash_of_old.startswith("pbkdf2_") or "$" in hash_of_old

    assert services.signup_purge_unverified() == 1

    assert not Signup.objects.filter(pk=old.signup.pk).exists()
    assert not Signup.objects.filter(password=hash_of_old).exists()
    assert set(Signup.objects.values_list("pk", flat=True)) == {resent.signup.pk, fresh.signup.pk}
    # Idempotent: a second run finds nothing more.
    assert services.signup_purge_unverified() == 0
    # The deleted sign-up's code links nobody: its applicant is told to sign up again.
    code = sms_gateway.code_for("13900002222")
    with pytest.raises(ValidationError) as caught:
        services.signup_verify(token=old.token, code=code)
    assert "verification" in caught.value.error_dict
    assert not User.objects.filter(resident__phone="13900002222").exists()


def test_sign_ups_past_the_code_step_are_never_purged(world, sms_gateway, committed, settings):
    settings.SIGNUP_UNVERIFIED_KEEP_HOURS = 1
    settings.NOTIFY_WEBHOOK_URL = ""  # no gateway: waits for an assistant (PENDING)
    pending = services.signup_submit(
        phone="13900005555", name="钱多", room=world.rooms_a[1], password=PASSWORD
    )
    refused = services.signup_submit(
        phone="13900006666", name="孙丽", room=world.rooms_a[1], password=PASSWORD
    )
    Signup.objects.filter(pk=refused.signup.pk).update(status=SignupStatus.REFUSED)
    Signup.objects.update(created_at=timezone.now() - dt.timedelta(days=30))

    assert services.signup_purge_unverified() == 0
    assert Signup.objects.filter(pk__in=[pending.signup.pk, refused.signup.pk]).count() == 2


def test_the_hour_setting_is_read_at_each_run(world, sms_gateway, committed, settings):
    result = _submit(committed, world.rooms_a[2], "13900002222")
    _age(result.signup, hours=5)
    settings.SIGNUP_UNVERIFIED_KEEP_HOURS = 6
    assert services.signup_purge_unverified() == 0
    settings.SIGNUP_UNVERIFIED_KEEP_HOURS = 4
    assert services.signup_purge_unverified() == 1


def test_the_job_is_an_hourly_periodic_job_that_records_its_run(
    world, sms_gateway, committed, settings
):
    settings.SIGNUP_UNVERIFIED_KEEP_HOURS = 24
    result = _submit(committed, world.rooms_a[2], "13900002222")
    _age(result.signup, hours=48)

    assert JOBS["signup-purge"].every == HOUR and JOBS["signup-purge"].exclusive
    assert signup_purge_task.call_local() == 1

    row = PeriodicJob.objects.get(name="signup-purge")
    assert row.last_finished_at is not None and row.lock_token == ""
    assert not Signup.objects.exists()
    assert signup_purge_task.call_local() == 0
