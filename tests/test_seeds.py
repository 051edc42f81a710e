"""Seed data: the five articles and every figure taken from them, loaded idempotently."""

import datetime
import io
import json
import shutil
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from sessions_app.choices import SessionFormat, UnitKind
from sessions_app.models import (
    Document,
    Inspection,
    Organisation,
    ReportedFact,
    SourceArticle,
    StudySession,
)
from sessions_app.seeding import SEEDED_MODELS, SEEDS_DIR, article_title, seeds_load

THROUGH_MODELS = [
    StudySession.documents.through,
    StudySession.participating_units.through,
    Inspection.documents.through,
]


def snapshot() -> dict[str, list[tuple]]:
    """Every column of every row the seed load writes, in primary-key order."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for model in [*SEEDED_MODELS, *THROUGH_MODELS]
    }


def parent_of(code: str) -> Organisation:
    return Organisation.objects.get_parent(Organisation.objects.get(code=code))


def fact(unit_code: str, label_start: str) -> ReportedFact:
    return ReportedFact.objects.get(unit__code=unit_code, label__startswith=label_start)


@pytest.fixture
def seeded(db):
    return seeds_load()


@pytest.fixture
def seeds_copy(tmp_path):
    """A copy of seeds/ to break on purpose."""
    directory = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, directory)
    return directory


# --- idempotency -------------------------------------------------------------------------


def test_a_second_load_changes_no_row_and_adds_none(db):
    assert all(rows == [] for rows in snapshot().values())

    first = seeds_load()
    after_first = snapshot()
    second = seeds_load()

    assert first.total("created") > 40
    assert (second.total("created"), second.total("updated")) == (0, 0)
    assert second.total("unchanged") == first.total("created")
    assert snapshot() == after_first


def test_a_reload_restores_edited_values_and_links(seeded):
    triệu_sơn = Organisation.objects.get(code="TH-TS")
    triệu_sơn.reported_cells = 1
    triệu_sơn.save()
    ReportedFact.objects.filter(unit__code="DT-KCQ", label__startswith="Số đảng viên mới").update(
        value=0
    )
    móng_cái_conference = StudySession.objects.get(organiser__code="QN-MC")
    móng_cái_conference.documents.clear()

    tally = seeds_load()

    assert tally.total("created") == 0
    assert tally.total("updated") == 3
    assert Organisation.objects.get(code="TH-TS").reported_cells == 443
    assert fact("DT-KCQ", "Số đảng viên mới").value == 331
    assert móng_cái_conference.documents.count() == 2


def test_a_no_op_reload_runs_a_bounded_number_of_queries(seeded, django_assert_max_num_queries):
    # One lookup per record plus the many-to-many checks: 69 for the 45 seed records.
    with django_assert_max_num_queries(75):
        seeds_load()


def test_a_broken_fixture_loads_nothing_at_all(db, seeds_copy):
    fixture = seeds_copy / "fixtures.json"
    data = json.loads(fixture.read_text(encoding="utf-8"))
    data["facts"].append({**data["facts"][0], "unit": "KHONG-CO"})
    fixture.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(ValidationError, match="không có đơn vị mã “KHONG-CO”"):
        seeds_load(directory=seeds_copy)

    assert all(rows == [] for rows in snapshot().values())


# --- the command ---------------------------------------------------------------------------


def test_the_command_reports_new_rows_then_unchanged_rows_in_vietnamese(db):
    first, second = io.StringIO(), io.StringIO()

    call_command("load_seeds", stdout=first)
    total = sum(model.objects.count() for model in SEEDED_MODELS)
    call_command("load_seeds", stdout=second)

    assert f"Đã nạp: {total} mới, 0 cập nhật, 0 không đổi." in first.getvalue()
    assert "Bài viết nguồn: 5 mới, 0 cập nhật, 0 không đổi" in first.getvalue()
    assert f"Đã nạp: 0 mới, 0 cập nhật, {total} không đổi." in second.getvalue()


def test_the_command_refuses_a_broken_fixture_with_a_vietnamese_error(db, seeds_copy):
    (seeds_copy / "fixtures.json").write_text("{ không phải JSON", encoding="utf-8")

    with pytest.raises(
        CommandError, match="Không nạp được dữ liệu mẫu: .*không đúng định dạng JSON"
    ):
        call_command("load_seeds", directory=seeds_copy, stdout=io.StringIO())

    assert SourceArticle.objects.count() == 0


# --- the articles ------------------------------------------------------------------------------


def test_each_article_is_stored_verbatim_with_its_first_line_as_title(seeded):
    articles = SourceArticle.objects.all()

    assert [a.code for a in articles] == ["000", "001", "002", "003", "004"]
    for article in articles:
        assert article.text == (SEEDS_DIR / article.file_name).read_bytes().decode("utf-8")
    assert articles.get(code="002").title == (
        "Đổi mới việc học tập, quán triệt nghị quyết: Cách làm ở Triệu Sơn"
    )
    assert str(articles.get(code="001").published_on) == "2023-12-13"
    assert str(articles.get(code="004").published_on) == "2022-09-23"


def test_the_title_drops_the_scraped_date_marker_only():
    assert article_title(" date 2024-06 Đổi mới việc học tập\nthân bài") == "Đổi mới việc học tập"
    assert article_title("Cập nhật ngày 23/09/2022\n") == "Cập nhật ngày 23/09/2022"


def test_every_seeded_record_points_to_its_source_article(seeded):
    models_with_source = [
        model
        for model in SEEDED_MODELS
        if any(f.name == "source" for f in model._meta.get_fields())
    ]

    assert len(models_with_source) == 6
    for model in models_with_source:
        assert not model.objects.filter(source__isnull=True).exists(), model.__name__
    for model in (Organisation, Document, StudySession, Inspection, ReportedFact):
        assert model.objects.exists(), model.__name__


# Each figure, where it is stored, and the words of the article that report it.
FIGURES = [
    ("TH-KCQDN", "reported_grassroots", 120, "000", "trên 120 tổ chức cơ sở đảng"),
    ("TH-KCQDN", "reported_members", 14000, "000", "trên 14 nghìn đảng viên"),
    ("QN-MC", "reported_grassroots", 36, "001", "36 chi, đảng bộ cơ sở"),
    ("QN-MC", "reported_cells", 262, "001", "262 chi bộ trực thuộc"),
    ("QN-MC", "reported_members", 4400, "001", "trên 4.400 đảng viên"),
    ("TH-TS", "reported_grassroots", 58, "002", "58 tổ chức cơ sở đảng"),
    ("TH-TS", "reported_cells", 443, "002", "443 chi bộ"),
]


@pytest.mark.parametrize(("code", "field", "value", "article", "phrase"), FIGURES)
def test_unit_figures_are_carried_from_the_article_that_reports_them(
    seeded, code, field, value, article, phrase
):
    unit = Organisation.objects.select_related("source").get(code=code)

    assert getattr(unit, field) == value
    assert unit.source.code == article
    assert phrase in unit.source.text


FACTS = [
    ("TH-KCQDN", "Tỷ lệ cấp ủy cơ sở có số lượng đảng viên lớn", "70", "%", "Gần 70%"),
    ("QN-MC", "Tỷ lệ đảng viên viết bài thu hoạch", "100", "%", "100% đảng viên viết bài"),
    ("TH-TS", "Số đảng bộ xã, thị trấn", "34", "tổ chức cơ sở đảng", "34 đảng bộ xã"),
    ("TH-TS", "Số tổ chức cơ sở đảng cơ quan, trường học", "24", "tổ chức cơ sở đảng", "24 tổ"),
    ("TH-TS", "Số văn bản Huyện ủy ban hành", "1832", "văn bản", "ban hành 1.832 văn bản"),
    ("T003-KCQDN", "Số hội nghị học tập", "4", "hội nghị", "tổ chức 4 hội nghị"),
    ("T003-KCQDN", "Tỷ lệ cán bộ, đảng viên tham gia", "95", "%", "đạt trên 95%"),
    ("T003-KCQDN", "Tỷ lệ tổ chức cơ sở đảng trực thuộc", "100", "%", "100% tổ chức cơ sở"),
    ("T003-KCQDN", "Số đơn vị đăng ký", "71", "đơn vị", "71 đơn vị đăng ký"),
    ("T003-KCQDN", "Số mô hình “Dân vận khéo”", "110", "mô hình", "110 mô hình “Dân vận khéo”"),
    ("DT-KCQ", "Số đảng viên mới", "331", "đảng viên", "kết nạp 331 đảng viên mới"),
    ("DT-KCQ", "Tỷ lệ kết nạp đảng viên mới", "94.57", "%", "đạt 94,57%"),
    (
        "DT-KCQ",
        "Số chi bộ cơ sở thành lập mới",
        "1",
        "chi bộ cơ sở",
        "thành lập mới 1 chi bộ cơ sở",
    ),
]


@pytest.mark.parametrize(("code", "label_start", "value", "measure", "phrase"), FACTS)
def test_figures_without_a_field_of_their_own_are_reported_facts(
    seeded, code, label_start, value, measure, phrase
):
    reported = fact(code, label_start)

    assert (reported.value, reported.measure) == (Decimal(value), measure)
    assert phrase in reported.source.text


def test_periods_of_reported_facts_follow_the_articles(seeded):
    documents = fact("TH-TS", "Số văn bản Huyện ủy ban hành")
    admissions = fact("DT-KCQ", "Số đảng viên mới")

    assert (str(documents.period_start), str(documents.period_end)) == ("2021-01-01", "2023-12-31")
    assert (str(admissions.period_start), str(admissions.period_end)) == (
        "2022-01-01",
        "2022-08-31",
    )


# --- the tree --------------------------------------------------------------------------------


def test_units_sit_under_their_province_roots(seeded):
    roots = {unit.code: unit for unit in Organisation.objects.get_root_nodes()}

    assert set(roots) == {"TH", "QN", "DT", "T003"}
    assert all(root.kind == UnitKind.PROVINCE for root in roots.values())
    thanh_hóa = set(roots["TH"].subtree().values_list("code", flat=True))
    assert {"TH-KCQDN", "TH-KCQDN-PCTH", "TH-TS"} <= thanh_hóa
    assert parent_of("TH-KCQDN-PCTH").code == "TH-KCQDN"
    assert parent_of("QN-MC").code == "QN"
    assert parent_of("DT-KCQ").code == "DT"
    assert parent_of("T003-KCQDN").code == "T003"
    assert Organisation.objects.find_problems() == ([], [], [], [], [])


# --- documents, sessions, inspections ------------------------------------------------------------


def test_documents_carry_symbol_issuer_date_and_term(seeded):
    rows = {
        d.symbol: (d.kind, d.issuer, d.issuing_body, d.issued_on.strftime("%d/%m/%Y"), d.term)
        for d in Document.objects.all()
    }

    assert rows == {
        "114-QĐ/TW": ("QĐ", "TW", "Bộ Chính trị", "11/07/2023", "XIII"),
        "117-QĐ/TW": ("QĐ", "TW", "Bộ Chính trị", "18/08/2023", "XIII"),
        "01-KL/TW": ("KL", "TW", "Bộ Chính trị", "18/05/2021", "XIII"),
    }


def test_the_thanh_hoa_conference_is_reported_as_80_sites_and_8900_delegates(seeded):
    conference = StudySession.objects.get(organiser__code="TH", source__code="000")

    assert conference.format == SessionFormat.ONLINE
    assert (conference.reported_site_count, conference.reported_attended) == (80, 8900)
    assert list(conference.participating_units.values_list("code", flat=True)) == ["TH-KCQDN"]


def test_the_shared_class_meets_at_the_bloc_office(seeded):
    shared = StudySession.objects.get(organiser__code="TH-KCQDN", title__startswith="Lớp học chung")

    assert shared.location.startswith("Trụ sở Đảng ủy Khối")
    assert shared.source.code == "000"


def test_the_mong_cai_conference_covers_regulations_114_and_117(seeded):
    conference = StudySession.objects.get(organiser__code="QN-MC")

    assert sorted(conference.documents.values_list("symbol", flat=True)) == [
        "114-QĐ/TW",
        "117-QĐ/TW",
    ]
    assert conference.source.code == "001"


def test_the_trieu_son_conference_has_its_sites_counts_rate_and_remarks(seeded):
    conference = StudySession.objects.get(organiser__code="TH-TS")
    sites = {site.name: site.attended for site in conference.sites.all()}

    assert conference.format == SessionFormat.HYBRID
    assert conference.reported_site_count == 36
    assert conference.reported_attended == 350 + 1350
    assert conference.reported_rate == Decimal("99.8")
    assert sorted(sites.values()) == [350, 1350]
    assert "đi chậm" in conference.discipline_remarks


def test_inspections_are_recorded_where_the_articles_report_them(seeded):
    rows = {
        (i.source.code, i.inspecting_unit.code, i.inspected_unit.code, i.activity, i.kind)
        for i in Inspection.objects.select_related("source", "inspecting_unit", "inspected_unit")
    }

    assert rows == {
        ("001", "QN-MC", "QN-MC-TCCS", "kiem_tra", "chuyen_de"),
        ("002", "TH-TS", "TH-TS-TCCS", "kiem_tra", "chuyen_de"),
        ("004", "DT-KCQ", "DT-KCQ-TCCS", "giam_sat", "thuong_xuyen"),
        ("004", "DT-KCQ", "DT-KCQ-TCCS", "giam_sat", "chuyen_de"),
        ("004", "DT", "DT-KCQ", "giam_sat", "thuong_xuyen"),
    }
    triệu_sơn = Inspection.objects.get(inspecting_unit__code="TH-TS")
    assert "xây dựng chương trình, kế hoạch hành động" in triệu_sơn.conclusion


def test_dates_the_articles_do_not_give_are_marked_estimated_and_shown_so(seeded, admin_client):
    thanh_hoa_bloc = StudySession.objects.filter(source__code="000")
    assert thanh_hoa_bloc.exists() and all(s.date_is_estimated for s in thanh_hoa_bloc)
    dong_thap_visit = Inspection.objects.get(
        source__code="004", started_on=datetime.date(2022, 9, 23)
    )
    assert not dong_thap_visit.date_is_estimated

    province = Organisation.objects.get(code="TH")
    page = admin_client.get(reverse("reports_app:unit", args=[province.pk]))

    assert "nguồn không nêu ngày cụ thể" in page.content.decode()
