"""The main pages in a real browser at 1366 px and at phone width, kept as screenshots.

Screenshots land in build/screenshots/ (not committed); docs/ keeps one of each width.
At 1366 px the lists' key columns must be on screen without scrolling sideways.
"""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

from sessions_app.choices import AttendanceStatus
from sessions_app.models import Attendance
from tests import builders
from tests.test_browser_session_entry import CHROMIUM, CHROMIUM_ARGS

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]

SHOTS = Path(settings.BASE_DIR) / "build" / "screenshots"
WIDTHS = {"1366": (1366, 768), "dien-thoai": (390, 844)}


@pytest.fixture
def browser(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _pages(tree, roster):
    cell, commune = tree["cell_a1"], tree["commune_a"]
    document = builders.document("114-QĐ/TW", title="Quy định về lựa chọn, sắp xếp cán bộ")
    study = builders.session(
        commune,
        [cell, tree["cell_a2"]],
        [document],
        held_on=datetime.date(2023, 12, 13),
        title="Hội nghị quán triệt Quy định 114-QĐ/TW và 117-QĐ/TW của Bộ Chính trị",
    )
    for member in ("an", "binh", "cuong", "dung"):
        Attendance.objects.create(session=study, member=roster[member])
    Attendance.objects.create(session=study, member=roster["em"], status=AttendanceStatus.LATE)
    return {
        "trang-chu": "/admin/",
        "hoi-nghi": "/admin/sessions_app/studysession/",
        "to-chuc-dang": f"/admin/sessions_app/organisation/?don_vi={commune.pk}",
        "dang-vien": "/admin/sessions_app/member/",
        "diem-danh": f"/admin/sessions_app/studysession/{study.pk}/diem-danh/",
        "bao-cao": f"/bao-cao/don-vi/{tree['district_a'].pk}/",
        "ban-in": f"/bao-cao/don-vi/{tree['district_a'].pk}/in/",
    }


def test_main_pages_at_1366_px_and_phone_width(browser, live_server, tree, roster, diana):
    pages = _pages(tree, roster)
    client = Client()
    client.force_login(diana)
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
        context.add_cookies([{**cookie, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        for name, url in pages.items():
            response = page.goto(f"{live_server.url}{url}")
            assert response.status == 200, (name, response.status)
            page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
            if width == 1366 and page.locator("#result_list").count():
                overflow = page.evaluate(
                    "document.querySelector('#result_list').scrollWidth"
                    " - document.querySelector('.results').clientWidth"
                )
                assert overflow <= 0, (name, overflow)
            if name == "diem-danh":  # the roll call is taken on phones too: no sideways scroll
                wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert wide <= 0, (name, label, wide)
        context.close()
    assert len(list(SHOTS.glob("*.png"))) >= len(pages) * len(WIDTHS)
    connections.close_all()
