"""No lost edits: a save based on a copy someone else has changed since is refused."""

import pytest
from django.urls import reverse

from sessions_app import services
from sessions_app.models import StudySession
from tests import builders
from tests.admin_forms import page_form_data


@pytest.fixture
def study(tree):
    return builders.session(
        tree["cell_a1"], [tree["cell_a1"]], [builders.document()], title="Hội nghị quý I"
    )


def _open(client, user, study):
    """GET the change page as the user did, and return the form data it would post."""
    client.force_login(user)
    page = client.get(reverse("admin:sessions_app_studysession_change", args=[study.pk]))
    assert page.status_code == 200
    return page_form_data(page)


def _save(client, user, study, data):
    client.force_login(user)
    return client.post(reverse("admin:sessions_app_studysession_change", args=[study.pk]), data)


def test_the_second_of_two_saves_of_the_same_version_is_refused_keeping_what_was_typed(
    client, alice, diana, study
):
    alices_copy = _open(client, alice, study)
    dianas_copy = _open(client, diana, study)
    assert alices_copy["seen_version"] == dianas_copy["seen_version"] == "0"

    first = _save(client, diana, study, {**dianas_copy, "location": "Hội trường xã"})
    assert first.status_code == 302

    second = _save(client, alice, study, {**alices_copy, "location": "Nhà văn hóa thôn 1"})
    assert second.status_code == 200
    text = second.content.decode()
    assert "đã được người khác sửa sau khi bạn mở ra (diana lưu lúc" in text
    assert 'value="Nhà văn hóa thôn 1"' in text  # what Alice typed is still in the form

    study.refresh_from_db()
    assert study.location == "Hội trường xã" and study.version == 1


def test_a_save_of_the_current_version_passes_and_moves_the_version_on(client, alice, study):
    copy = _open(client, alice, study)
    assert _save(client, alice, study, {**copy, "location": "Hội trường"}).status_code == 302
    study.refresh_from_db()
    assert study.version == 1
    again = _open(client, alice, study)
    assert again["seen_version"] == "1"
    assert _save(client, alice, study, {**again, "location": "Nhà văn hóa"}).status_code == 302


def test_a_change_made_by_a_service_also_makes_open_copies_stale(client, alice, study):
    copy = _open(client, alice, study)
    study.title = "Hội nghị quý I (sửa)"
    study.save()
    assert _save(client, alice, study, copy).status_code == 200
    assert StudySession.objects.get(pk=study.pk).title == "Hội nghị quý I (sửa)"


def test_the_lock_check_names_the_rule_in_one_place(alice, study):
    services.edit_lock_check(instance=study, seen_version=0)
    study.save()
    with pytest.raises(services.StaleEdit):
        services.edit_lock_check(instance=study, seen_version=0)
