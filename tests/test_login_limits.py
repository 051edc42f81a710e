"""Failed logins are limited per account and address, for a while; idle sessions expire."""

import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

LOGIN = reverse("admin:login")
OFFICE, HOME = "10.0.0.1", "10.0.0.2"


def _login(client, username, password, address):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def _fail_until_locked(client, username, address):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, username, "sai-mat-khau", address).status_code == 200
    assert _login(client, username, "sai-mat-khau", address).status_code == 429


def test_repeated_failures_lock_that_account_from_that_address_with_a_vietnamese_message(
    client, alice
):
    _fail_until_locked(client, "alice", OFFICE)
    locked = _login(client, "alice", "x", OFFICE)
    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_spares_the_same_account_elsewhere_and_colleagues_at_the_same_address(
    client, alice, bob
):
    _fail_until_locked(client, "alice", OFFICE)
    assert _login(client, "alice", "x", HOME).status_code == 302
    client.logout()
    assert _login(client, "bob", "x", OFFICE).status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, alice):
    _fail_until_locked(client, "alice", OFFICE)
    assert _login(client, "alice", "x", OFFICE).status_code == 429
    past = timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=past)
    assert _login(client, "alice", "x", OFFICE).status_code == 302


def test_an_idle_session_expires(client, alice):
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert _login(client, "alice", "x", OFFICE).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    idle = timezone.now() - datetime.timedelta(seconds=1)
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=idle)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
