"""The main pages in a real browser at 1366 px and at phone width, kept as screenshots.

Screenshots land in build/screenshots/ (not committed); docs/ keeps one of each width.
At 1366 px the lists' key columns must be on screen without scrolling sideways.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

from sessions_app import services
from sessions_app.choices import AttendanceStatus as S
from sessions_app.choices import ReportStatus, UnitKind
from sessions_app.models import ActionProgramme, WrittenReport
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
    """A district with one commune short of the targets and one that met them."""
    cell, commune, district = tree["cell_a1"], tree["commune_a"], tree["district_a"]
    document = builders.document(
        "114-QĐ/TW",
        title="Quy định về kiểm soát quyền lực trong công tác cán bộ",
        issuing_body="Bộ Chính trị",
    )
    study = builders.session(
        commune,
        [cell, tree["cell_a2"]],
        [document],
        held_on=datetime.date(2023, 8, 1),
        title="Hội nghị quán triệt Quy định 114-QĐ/TW và 117-QĐ/TW của Bộ Chính trị",
    )
    statuses = {"an": S.PRESENT, "binh": S.PRESENT, "cuong": S.LATE, "dung": S.ABSENT_UNEXCUSED}
    services.attendance_record_roster(
        session=study,
        statuses={roster[k].pk: v for k, v in statuses.items()} | {roster["em"].pk: S.PRESENT},
    )
    town = builders.unit(
        district, "Đảng bộ thị trấn Triệu Sơn", UnitKind.GRASSROOTS_COMMITTEE, code="TTTS"
    )
    street = builders.unit(town, "Chi bộ khu phố 3", code="KP3")
    members = [builders.member(street, name) for name in ("Lê Thị Ánh", "Đỗ Văn Bảo", "Vũ Thị Chi")]
    meeting = builders.session(town, [street], [document], held_on=datetime.date(2023, 7, 25))
    services.attendance_record_roster(session=meeting, statuses={m.pk: S.PRESENT for m in members})
    for member in members:
        report = WrittenReport.objects.create(member=member, document=document, session=meeting)
        services.written_report_submit(
            report=report, submitted_on=datetime.date(2023, 8, 5), text="Bài thu hoạch"
        )
        services.written_report_review(
            report=report, status=ReportStatus.PASSED, reviewed_on=datetime.date(2023, 8, 9)
        )
    ActionProgramme.objects.create(
        unit=town, document=document, symbol="07-CTr/ĐU", issued_on=datetime.date(2023, 8, 10)
    )
    ActionProgramme.objects.create(
        unit=district, document=document, symbol="15-CTr/HU", issued_on=datetime.date(2023, 8, 1)
    )
    query = f"?document={document.pk}"
    return {
        "trang-chu": "/admin/",
        "hoi-nghi": "/admin/sessions_app/studysession/",
        "to-chuc-dang": f"/admin/sessions_app/organisation/?don_vi={commune.pk}",
        "dang-vien": "/admin/sessions_app/member/",
        "diem-danh": f"/admin/sessions_app/studysession/{study.pk}/diem-danh/",
        "bao-cao": f"/bao-cao/don-vi/{district.pk}/{query}",
        "ma-tran": f"/bao-cao/don-vi/{district.pk}/ma-tran/",
        "ban-in": f"/bao-cao/don-vi/{district.pk}/in/{query}",
    }


# The report pages: their table scrolls inside its own box; the page itself never sideways.
REPORT_PAGES = {"bao-cao", "ma-tran", "ban-in"}


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
            if name in REPORT_PAGES or name == "diem-danh":  # phones too: no sideways scroll
                wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert wide <= 0, (name, label, wide)
        context.close()
    assert len(list(SHOTS.glob("*.png"))) >= len(pages) * len(WIDTHS)
    connections.close_all()


def _page_sizes(pdf: bytes) -> list[str]:
    """Each page of a PDF as 'doc' (portrait) or 'ngang' (landscape), from its MediaBox."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return ["ngang" if float(w) > float(h) else "doc" for w, h in boxes]


def test_the_print_view_is_a4_portrait_with_the_wide_table_on_landscape_pages(
    browser, live_server, tree, roster, diana
):
    url = _pages(tree, roster)["ban-in"]
    client = Client()
    client.force_login(diana)
    context = browser.new_context(locale="vi-VN")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    sizes = {}
    for layout in ("tu-dong", "doc", "ngang"):
        assert page.goto(f"{live_server.url}{url}&kho={layout}").status == 200
        sizes[layout] = _page_sizes(page.pdf(prefer_css_page_size=True))
    context.close()
    connections.close_all()
    auto = sizes["tu-dong"]
    assert auto[0] == "doc" and "ngang" in auto and auto[-1] == "doc", auto
    assert set(sizes["doc"]) == {"doc"}, sizes["doc"]
    assert set(sizes["ngang"]) == {"ngang"}, sizes["ngang"]
