"""In a real browser: a new staff member logs in, enters a session and takes the roll call."""

import datetime
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from sessions_app import services
from sessions_app.choices import StaffRole
from sessions_app.models import StudySession
from tests import builders

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def page(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test
    # makes between browser steps are still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(locale="vi-VN")
        page.set_default_timeout(15_000)
        yield page
        browser.close()


def _choose(page, field, term, option_text):
    """Pick a value in a select2 autocomplete box, as a user would."""
    page.click(f"#id_{field} + .select2 .select2-selection")
    page.keyboard.type(term)
    page.locator(".select2-results__option", has_text=option_text).first.click()


def test_new_staff_enters_a_session_for_two_documents_and_takes_the_roll_call(
    page, live_server, tree
):
    members = [
        builders.member(tree["cell_a1"], name, datetime.date(2015, 5, 1))
        for name in ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]
    ]
    builders.document("114-QĐ/TW", title="Quy định về lựa chọn, sắp xếp cán bộ")
    builders.document("117-QĐ/TW", issued_on=datetime.date(2023, 8, 18), title="Quy định 117")
    user = get_user_model().objects.create_user(
        username="hoa", password="mat-khau-1", is_staff=True
    )
    # Through the service, as the user page does: the role's group carries its permissions.
    services.staff_profile_save(user=user, unit=tree["commune_a"], role=StaffRole.DATA_ENTRY)

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "hoa")
    page.fill("#id_password", "mat-khau-1")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/sessions_app/studysession/add/")
    page.fill("#id_title", "Hội nghị quán triệt Quy định 114 và 117")
    _choose(page, "documents", "114", "114-QĐ/TW")
    _choose(page, "documents", "117", "117-QĐ/TW")
    _choose(page, "organiser", "dan luc", "Đảng bộ xã Dân Lực")
    _choose(page, "participating_units", "thon 1", "Chi bộ thôn 1")
    page.fill("#id_held_on", "13/12/2023")
    page.fill("#id_start_time", "14:00")
    page.fill("#id_end_time", "16:30")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    session = StudySession.objects.get()
    assert session.held_on == datetime.date(2023, 12, 13)
    assert sorted(session.documents.values_list("symbol", flat=True)) == ["114-QĐ/TW", "117-QĐ/TW"]
    page.goto(f"{live_server.url}/admin/sessions_app/studysession/{session.pk}/change/")
    page.click("text=Mở danh sách điểm danh")
    absent = members[1]
    page.check(f"#member-{absent.pk} input[value=vang_co_ly_do]")
    page.fill(f"#member-{absent.pk} input[name=note_{absent.pk}]", "Đi công tác")
    page.click("input[value='Lưu điểm danh']")

    page.wait_for_selector(".messagelist .success")
    assert page.text_content("#tally-recorded") == "3"
    assert page.text_content("#tally-attended") == "2"
    assert page.text_content("#tally-excused") == "1"
    # The ORM calls above ran inside Playwright's context, on a connection of their own:
    # close it, or PostgreSQL cannot drop the test database afterwards.
    connections.close_all()
