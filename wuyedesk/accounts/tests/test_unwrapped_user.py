"""request.user is the signed-in user itself, not the lazy wrappers around it
(accounts.middleware.UnwrappedUserMiddleware): every attribute read through them cost a page
hundreds of microseconds. Nothing django-otp sets on the user is lost."""

from wuyedesk.accounts.models import User


def test_a_staff_pages_request_user_is_the_user_itself(client_as, world):
    response = client_as(world.specialist).get("/")
    assert response.status_code == 200
    user = response.wsgi_request.user
    assert type(user) is User
    assert user.pk == world.specialist.pk
    # django-otp's marks, set on the object when its wrapper was first read.
    assert user.otp_device is None
    assert user.is_verified() is False


def test_an_anonymous_visitor_keeps_django_otps_answers(client):
    response = client.get("/login/")
    user = response.wsgi_request.user
    assert user.is_authenticated is False
    assert user.is_verified() is False
