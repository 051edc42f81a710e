"""The báo cáo a committee signs: the print view and its .docx, read as the users get them.

The study log (tests/report_fixtures.py) for Xã A1 on 114-QĐ/TW, worked by hand:
- Chi bộ thôn 1 (A1a): An present, Bình late, Cường excused and made up → 3/3 = 100%;
  reports An passed, Bình submitted, Cường sent back → 3/3 submitted: it meets the targets.
- Chi bộ thôn 2 (A1b): Dung unexcused, Em present (Hoa exempted) → 1/2 = 50%; Dung's
  report not submitted, Em none → 0/2: it does not.
- Xã A1 as a whole: 4/5 = 80%, reports 3/5 = 60%: it does not either.
"""

import datetime
import io
import re

import docx
import pytest
from django.urls import reverse
from django.utils import timezone

from reports_app.figures import TABLE
from reports_app.printing import committee, date_line, place_name
from sessions_app.choices import UnitKind
from sessions_app.models import Organisation
from tests import builders
from tests.report_fixtures import study_log  # noqa: F401 (fixture)


def _url(name, unit, **query):
    url = reverse(f"reports_app:{name}", kwargs={"pk": unit.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _text(html: str) -> str:
    """What a reader sees: tags dropped, entities and spaces as one."""
    import html as html_lib

    without_tags = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", html_lib.unescape(without_tags)).strip()


def _docx_text(document) -> str:
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return re.sub(r"\s+", " ", " ".join(lines))


def _today_line(place: str) -> str:
    return date_line(place, timezone.localdate())


# --- the print view -------------------------------------------------------------------------


def test_the_print_view_has_the_letterhead_sections_and_signature_of_a_bao_cao(
    client, bob, tree, study_log
):
    client.force_login(bob)
    page = client.get(_url("print", tree["district_a"], document=study_log["doc"].pk))
    assert page.status_code == 200
    text = _text(page.content.decode())
    assert "ĐẢNG BỘ TỈNH THỬ NGHIỆM HUYỆN ỦY TRIỆU SƠN *" in text
    assert "Số …-BC/HU" in text
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert _today_line("Triệu Sơn") in text
    assert "BÁO CÁO Kết quả học tập, quán triệt Quy định số 114-QĐ/TW ngày 11/07/2023" in text
    headings = re.findall(r"\b(I|II|III|IV)\. ([A-ZÀ-Ỹ ,]+?) (?=\d|[A-ZÀ-Ỹ][a-zà-ỹ])", text)
    assert [number for number, _ in headings] == ["I", "II", "III", "IV"], headings
    assert "T/M BAN THƯỜNG VỤ BÍ THƯ" in text
    assert "Nơi nhận: - Ban Thường vụ Tỉnh ủy Thử nghiệm (để báo cáo)," in text


def test_a_cell_signs_for_its_committee_and_its_place_is_the_commune(client, bob, tree, study_log):
    client.force_login(bob)
    text = _text(client.get(_url("print", tree["cell_a1"])).content.decode())
    assert "ĐẢNG BỘ XÃ DÂN LỰC CHI BỘ THÔN 1 *" in text
    assert "Số …-BC/CB" in text
    assert _today_line("Dân Lực") in text
    assert "T/M CHI ỦY BÍ THƯ" in text


def test_an_assessment_of_a_unit_short_of_the_targets_names_the_units_short_of_them(
    client, bob, tree, study_log
):
    client.force_login(bob)
    html = client.get(_url("print", tree["commune_a"], document=study_log["doc"].pk))
    text = _text(html.content.decode())
    assessment = text[text.index("III. ĐÁNH GIÁ") : text.index("IV. ĐỀ XUẤT")]
    assert "Đảng bộ xã Dân Lực chưa đạt chỉ tiêu. Lý do: Tỷ lệ tham gia 80%" in assessment
    # (the dash before each unit is drawn by the stylesheet on the page)
    assert "Có 1/2 tổ chức đảng trực thuộc chưa đạt: Chi bộ thôn 2: Tỷ lệ tham gia 50%" in (
        assessment
    )
    assert "Chi bộ thôn 1" not in assessment  # it met them
    for contradiction in ("đạt các chỉ tiêu đề ra", "đều đạt", "Cả 2/2", "Tất cả"):
        assert contradiction not in text, contradiction


def test_the_unit_is_never_listed_among_its_own_subordinates(client, bob, tree, study_log):
    client.force_login(bob)
    html = client.get(_url("print", tree["commune_a"])).content.decode()
    beneath = re.findall(r'<tr class="child">\s*<th scope="row">([^<]+)</th>', html)
    assert beneath == ["Chi bộ thôn 1", "Chi bộ thôn 2"]
    assessment = _text(html)[_text(html).index("III. ĐÁNH GIÁ") :]
    assert "- Đảng bộ xã Dân Lực:" not in assessment


def test_the_paper_is_portrait_by_default_and_offers_landscape(client, bob, tree, study_log):
    client.force_login(bob)
    html = client.get(_url("print", tree["district_a"])).content.decode()
    assert 'class="print kho-tu-dong"' in html
    assert "?kho=ngang" in html and "?kho=doc" in html
    landscape = client.get(_url("print", tree["district_a"], kho="ngang")).content.decode()
    assert 'class="print kho-ngang"' in landscape
    odd = client.get(_url("print", tree["district_a"], kho="<x>")).content.decode()
    assert 'class="print kho-tu-dong"' in odd


# --- the .docx --------------------------------------------------------------------------------


def _page_cells(client, unit, name, **query) -> list[str]:
    """The figures of one unit's row on the report page, as the page writes them."""
    html = client.get(_url("unit", unit, **query)).content.decode()
    rows = re.findall(r'<tr class="[^"]*">(.*?)</tr>', html, re.S)
    [row] = [r for r in rows if re.search(rf">\s*{re.escape(name)}\s*(</a>|<small>)", r)]
    cells = re.findall(r'<td class="num[^"]*">(.*?)</td>', row, re.S)
    return [_text(cell) for cell in cells]


def test_the_docx_is_the_same_bao_cao_with_the_same_figures(client, bob, tree, study_log):
    client.force_login(bob)
    doc = study_log["doc"].pk
    response = client.get(_url("docx", tree["commune_a"], document=doc))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="bao-cao_dang-bo-xa-dan-luc_{today}.docx"'
    )
    document = docx.Document(io.BytesIO(response.content))
    text = _docx_text(document)
    for heading in (
        "I. TÌNH HÌNH CHUNG",
        "II. KẾT QUẢ HỌC TẬP, QUÁN TRIỆT",
        "III. ĐÁNH GIÁ",
        "IV. ĐỀ XUẤT, KIẾN NGHỊ",
        "BÁO CÁO",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "ĐẢNG BỘ HUYỆN TRIỆU SƠN",
        "ĐẢNG ỦY XÃ DÂN LỰC",
        "Số …-BC/ĐU",
        _today_line("Dân Lực"),
        "T/M ĐẢNG ỦY",
        "BÍ THƯ",
        "Nơi nhận:",
    ):
        assert heading in text, heading
    assert "Có 1/2 tổ chức đảng trực thuộc chưa đạt:" in text
    assert "- Chi bộ thôn 2: Tỷ lệ tham gia 50%" in text
    for contradiction in ("đạt các chỉ tiêu đề ra", "đều đạt", "Tất cả"):
        assert contradiction not in text, contradiction

    figures = document.tables[1]
    by_unit = {row.cells[0].text: [c.text for c in row.cells[1:-1]] for row in figures.rows[2:]}
    assert set(by_unit) == {
        "Đảng bộ xã Dân Lực (toàn đơn vị)",
        "Chi bộ thôn 1",
        "Chi bộ thôn 2",
    }
    for name, label in (
        ("Chi bộ thôn 1", "Chi bộ thôn 1"),
        ("Chi bộ thôn 2", "Chi bộ thôn 2"),
        ("Đảng bộ xã Dân Lực", "Đảng bộ xã Dân Lực (toàn đơn vị)"),
    ):
        assert by_unit[label] == _page_cells(client, tree["commune_a"], name, document=doc), name
    required = [figure.key for figure in TABLE].index("required")
    assert by_unit["Chi bộ thôn 2"][required] == "2"  # Dung and Em, not the exempted Hoa
    verdicts = {row.cells[0].text: row.cells[-1].text.split("\n")[0] for row in figures.rows[2:]}
    assert verdicts["Chi bộ thôn 1"] == "Đạt"
    assert verdicts["Chi bộ thôn 2"] == verdicts["Đảng bộ xã Dân Lực (toàn đơn vị)"] == "Chưa đạt"


def test_the_docx_puts_the_wide_table_on_a_landscape_section(client, bob, tree, study_log):
    client.force_login(bob)
    auto = docx.Document(io.BytesIO(client.get(_url("docx", tree["district_a"])).content))
    assert [s.page_width > s.page_height for s in auto.sections] == [False, True, False]
    flat = docx.Document(
        io.BytesIO(client.get(_url("docx", tree["district_a"], kho="ngang")).content)
    )
    assert [s.page_width > s.page_height for s in flat.sections] == [True]


@pytest.mark.parametrize("persona", ["charlie", "erik", "alice"])
def test_a_user_outside_the_unit_gets_no_docx(client, request, tree, study_log, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url("docx", tree["district_a"])).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in_for_the_docx(client, tree):
    response = client.get(_url("docx", tree["district_a"]))
    assert response.status_code == 302 and "/admin/login/" in response.url


# --- the committee, the place and the date -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "expected", "symbol", "signs"),
    [
        (
            "Đảng bộ tỉnh Thanh Hóa",
            UnitKind.PROVINCE,
            "Tỉnh ủy Thanh Hóa",
            "TU",
            "T/M BAN THƯỜNG VỤ",
        ),
        (
            "Đảng bộ thành phố Móng Cái (Quảng Ninh)",
            UnitKind.DISTRICT,
            "Thành ủy Móng Cái",
            "TU",
            "T/M BAN THƯỜNG VỤ",
        ),
        (
            "Đảng bộ huyện Triệu Sơn",
            UnitKind.DISTRICT,
            "Huyện ủy Triệu Sơn",
            "HU",
            "T/M BAN THƯỜNG VỤ",
        ),
        (
            "Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh Thanh Hóa",
            UnitKind.BLOC,
            "Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh Thanh Hóa",
            "ĐUK",
            "T/M BAN THƯỜNG VỤ",
        ),
        (
            "Đảng bộ Công ty Điện lực Thanh Hóa",
            UnitKind.GRASSROOTS_COMMITTEE,
            "Đảng ủy Công ty Điện lực Thanh Hóa",
            "ĐU",
            "T/M ĐẢNG ỦY",
        ),
        ("Chi bộ Trường Tiểu học Dân Lực", UnitKind.GRASSROOTS_CELL, None, "CB", "T/M CHI ỦY"),
    ],
)
def test_a_units_committee_is_named_as_its_documents_name_it(name, kind, expected, symbol, signs):
    signer = committee(Organisation(name=name, kind=kind))
    assert (signer.name, signer.symbol, signer.on_behalf) == (expected or name, symbol, signs)


def test_the_place_is_the_nearest_unit_named_after_a_place(db):
    province = builders.unit(None, "Đảng bộ tỉnh Thanh Hóa", UnitKind.PROVINCE, code="TH")
    bloc = builders.unit(
        province, "Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh Thanh Hóa", UnitKind.BLOC, code="K"
    )
    company = builders.unit(
        bloc, "Đảng bộ Công ty Điện lực Thanh Hóa", UnitKind.GRASSROOTS_COMMITTEE, code="PC"
    )
    assert place_name(company, [province, bloc]) == "Thanh Hóa"
    assert place_name(province, []) == "Thanh Hóa"


def test_the_date_line_writes_days_under_10_and_months_under_3_with_a_zero():
    assert date_line("Thanh Hóa", datetime.date(2026, 11, 23)) == (
        "Thanh Hóa, ngày 23 tháng 11 năm 2026"
    )
    assert date_line("Móng Cái", datetime.date(2026, 2, 5)) == "Móng Cái, ngày 05 tháng 02 năm 2026"
    assert date_line("Móng Cái", datetime.date(2026, 3, 5)) == "Móng Cái, ngày 05 tháng 3 năm 2026"


# --- what the report page offers ----------------------------------------------------------------


def _offered_links(html: str) -> list[str]:
    return [
        href.replace("&amp;", "&")
        for href in re.findall(r'<a href="([^"#]+)"', html)
        if href.startswith(("/admin/", "/bao-cao/")) and "/logout/" not in href
    ]


@pytest.mark.parametrize("persona", ["alice", "bob", "diana"])
def test_every_link_the_report_page_offers_opens_for_the_user(
    client, request, tree, study_log, persona
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    unit = user.staff_profile.unit
    html = client.get(_url("unit", unit, document=study_log["doc"].pk)).content.decode()
    links = _offered_links(html)
    assert any("/in/" in link for link in links) and any(".docx" in link for link in links)
    for link in links:
        assert client.get(link, follow=True).status_code == 200, (persona, link)


def test_a_manager_is_offered_the_units_history_and_a_data_clerk_is_not(
    client, alice, bob, tree, study_log
):
    client.force_login(bob)
    history = reverse("admin:sessions_app_organisation_history", args=[tree["district_a"].pk])
    assert history in client.get(_url("unit", tree["district_a"])).content.decode()
    client.force_login(alice)
    own_history = reverse("admin:sessions_app_organisation_history", args=[tree["cell_a1"].pk])
    offered = own_history in client.get(_url("unit", tree["cell_a1"])).content.decode()
    assert offered == (client.get(own_history).status_code == 200)


def test_the_last_filters_are_offered_back_and_the_url_still_decides(client, bob, tree, study_log):
    client.force_login(bob)
    url = _url("unit", tree["district_a"])
    before = client.get(url).content.decode()
    assert 'id="remembered-filters"' not in before

    client.get(url, {"year": "2024", "document": study_log["doc"].pk})
    bare = client.get(url).content.decode()
    assert 'id="remembered-filters"' in bare
    offered = re.search(r'<a href="\?([^"]+)" class="remembered"', bare)[1].replace("&amp;", "&")
    assert sorted(offered.split("&")) == sorted([f"document={study_log['doc'].pk}", "year=2024"])
    assert "Văn bản 114-QĐ/TW ngày 11/07/2023; từ 01/01/2024 đến 31/12/2024" in bare
    assert re.search(r'<p class="period">\s*Tất cả văn bản\s*</p>', bare)  # the URL decides

    filtered = client.get(url, {"year": "2024"}).content.decode()
    assert 'id="remembered-filters"' not in filtered  # the URL already says what it shows


def test_a_tampered_filter_cookie_is_ignored(client, bob, tree):
    client.force_login(bob)
    client.cookies["bao_cao_bo_loc"] = "year%3D1%2500%26date_from%3D31%2F02%2F2024%26x%3D%3Cb%3E"
    html = client.get(_url("unit", tree["district_a"])).content.decode()
    assert 'id="remembered-filters"' not in html
