"""Copy detection in Vietnamese: real reports of a few hundred words on Quy định 114-QĐ/TW.

The texts in tests/data/bai_thu_hoach: an original report, a copy with a few words changed,
the same copy typed without diacritics, one that pastes the document's outline, a
paraphrase of the original, and three independent reports.
"""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse

from sessions_app import copying, services
from sessions_app.choices import CopyFlagStatus, CopySource
from sessions_app.models import CopyFlag, ReportBand, WrittenReport
from tests import builders

DATA = Path(__file__).parent / "data" / "bai_thu_hoach"
COPIES = ["sao_chep_sua_vai_chu", "bo_dau"]
INDEPENDENT = ["doc_lap_giao_vien", "doc_lap_doanh_nghiep", "doc_lap_huu_tri"]


def text(name: str) -> str:
    return (DATA / f"{name}.txt").read_text(encoding="utf-8")


@pytest.fixture
def document(db):
    return builders.document()


@pytest.fixture
def outline(document, superuser):
    return services.document_outline_save(
        document=document, text=text("de_cuong_114"), by=superuser
    )


def _hand_in(member, document, name, day=10):
    return services.written_report_submit(
        report=WrittenReport(member=member, document=document),
        submitted_on=datetime.date(2023, 9, day),
        text=text(name),
    )


@pytest.fixture
def handed_in(tree, roster, document, outline):
    """Everyone hands in on the same document; the original first."""
    members = {
        "goc": roster["an"],
        "sao_chep_sua_vai_chu": roster["binh"],
        "dan_de_cuong": roster["cuong"],
        "dien_dat_lai": roster["dung"],
        "doc_lap_giao_vien": roster["em"],
        # Copying crosses unit borders: Giang is in another district.
        "bo_dau": roster["giang"],
        "doc_lap_doanh_nghiep": builders.member(tree["cell_a1"], "Đỗ Văn Hải"),
        "doc_lap_huu_tri": builders.member(tree["cell_a2"], "Ngô Thị Lan"),
    }
    return {name: _hand_in(member, document, name) for name, member in members.items()}


def _flags(report):
    """The report's flags, closest match first."""
    return list(CopyFlag.objects.filter(report=report).order_by("-score"))


def test_copies_and_the_pasted_outline_are_flagged_and_nothing_else(handed_in):
    flagged = {name for name, report in handed_in.items() if _flags(report)}

    assert flagged == {"sao_chep_sua_vai_chu", "bo_dau", "dan_de_cuong"}
    for name in COPIES:
        closest = _flags(handed_in[name])[0]
        assert (closest.source, closest.matched_report) == (
            CopySource.OTHER_REPORT,
            handed_in["goc"],
        )
    # Handed in last, the copy without diacritics also matches the earlier copy.
    assert [f.matched_report for f in _flags(handed_in["bo_dau"])] == [
        handed_in["goc"],
        handed_in["sao_chep_sua_vai_chu"],
    ]
    (flag,) = _flags(handed_in["dan_de_cuong"])
    assert (flag.source, flag.matched_report) == (CopySource.DOCUMENT_TEXT, None)


def test_the_copy_without_diacritics_matches_only_once_tones_are_stripped(handed_in):
    flag = _flags(handed_in["bo_dau"])[0]

    assert flag.jaccard == 1.0
    assert flag.jaccard_accented == 0.0


def test_scores_order_copies_above_the_paraphrase_above_independent_reports(handed_in):
    original = copying.Fingerprint.of(text("goc"))
    flagged = {name: _flags(handed_in[name])[0].score for name in COPIES}
    unflagged = {
        name: copying.similarity(copying.Fingerprint.of(text(name)), original).score
        for name in ["dien_dat_lai", *INDEPENDENT]
    }

    assert flagged["bo_dau"] > flagged["sao_chep_sua_vai_chu"] > copying.FLAG_THRESHOLD
    assert (
        copying.FLAG_THRESHOLD
        > unflagged["dien_dat_lai"]
        > max(unflagged[name] for name in INDEPENDENT)
    )
    assert _flags(handed_in["dan_de_cuong"])[0].score > copying.FLAG_THRESHOLD


def test_each_report_keeps_one_lsh_entry_per_band_and_a_resubmission_replaces_it(
    handed_in, document
):
    report = handed_in["dien_dat_lai"]
    assert ReportBand.objects.filter(report=report).count() == copying.BANDS
    before = set(ReportBand.objects.filter(report=report).values_list("key", flat=True))

    services.written_report_submit(
        report=report, submitted_on=datetime.date(2023, 9, 20), text=text("goc")
    )

    after = set(ReportBand.objects.filter(report=report).values_list("key", flat=True))
    assert len(after) == copying.BANDS and after != before
    assert ReportBand.objects.filter(document=document).count() == copying.BANDS * 8
    # The resubmitted text is the original's: its second version is flagged.
    second = CopyFlag.objects.filter(report=report, version__number=2).order_by("-score")
    assert {f.matched_report_id for f in second if f.score == 1.0} == {
        handed_in["goc"].pk,
        handed_in["bo_dau"].pk,  # the same words without tones
    }
    assert not CopyFlag.objects.filter(report=report, version__number=1).exists()


def test_the_comparison_shows_both_texts_with_the_shared_passages_highlighted(
    client, alice, handed_in
):
    report = handed_in["sao_chep_sua_vai_chu"]
    (flag,) = _flags(report)
    client.force_login(alice)

    page = client.get(reverse("admin:sessions_app_writtenreport_copy", args=[report.pk, flag.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "<mark>Bí thư Đảng ủy xã</mark>" in html  # in the copy, "Phó " was added before
    assert "Phó <mark>" in html
    assert html.count("<mark>") >= 10


def test_the_comparison_escapes_the_texts(client, alice, roster, document):
    shared = text("goc")
    _hand_in(roster["an"], document, "goc")
    report = services.written_report_submit(
        report=WrittenReport(member=roster["binh"], document=document),
        submitted_on=datetime.date(2023, 9, 11),
        text="<script>alert('x')</script>\n" + shared,
    )
    (flag,) = _flags(report)
    client.force_login(alice)

    page = client.get(reverse("admin:sessions_app_writtenreport_copy", args=[report.pk, flag.pk]))

    html = page.content.decode()
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(" in html


def test_an_outsider_sees_the_score_but_not_the_other_units_report(client, erik, handed_in):
    report = handed_in["bo_dau"]  # Giang's, in district B; the original is in district A
    flag = _flags(report)[0]
    client.force_login(erik)

    page = client.get(reverse("admin:sessions_app_writtenreport_copy", args=[report.pk, flag.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Bài thu hoạch của đơn vị khác" in html
    assert "Bí thư Đảng ủy xã Dân Lực" not in html  # the original's words


def test_a_reviewer_dismisses_a_flag_with_a_reason(client, alice, handed_in):
    report = handed_in["dan_de_cuong"]
    (flag,) = _flags(report)
    url = reverse("admin:sessions_app_writtenreport_copy", args=[report.pk, flag.pk])
    client.force_login(alice)

    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 200
    flag.refresh_from_db()
    assert flag.status == CopyFlagStatus.OPEN

    client.post(url, {"reason": "Đảng viên cao tuổi, được phép tóm tắt đề cương."})

    flag.refresh_from_db()
    assert (flag.status, flag.dismissed_by, flag.dismissal_reason) == (
        CopyFlagStatus.DISMISSED,
        alice,
        "Đảng viên cao tuổi, được phép tóm tắt đề cương.",
    )


def test_a_manager_cannot_dismiss_a_flag(client, bob, handed_in):
    report = handed_in["dan_de_cuong"]
    (flag,) = _flags(report)
    client.force_login(bob)

    response = client.post(
        reverse("admin:sessions_app_writtenreport_copy", args=[report.pk, flag.pk]),
        {"reason": "Không sao."},
    )

    assert response.status_code == 403
    flag.refresh_from_db()
    assert flag.status == CopyFlagStatus.OPEN


def test_the_outline_can_be_uploaded_as_a_file_and_catches_a_pasted_report(
    client, superuser, tree, document
):
    from tests.report_files_data import docx_bytes, upload

    client.force_login(superuser)
    response = client.post(
        reverse("admin:sessions_app_documentoutline_add"),
        {
            "document": document.pk,
            "text": "",
            "upload": upload("114.docx", docx_bytes(text("de_cuong_114"))),
        },
    )
    assert response.status_code == 302
    member = builders.member(tree["cell_a1"], "Lý Văn Minh")

    report = _hand_in(member, document, "dan_de_cuong")

    assert [f.source for f in _flags(report)] == [CopySource.DOCUMENT_TEXT]


def test_normalisation_treats_composed_and_decomposed_tones_alike():
    import unicodedata

    composed = "Nghị quyết của Đảng về công tác cán bộ"
    decomposed = unicodedata.normalize("NFD", composed).upper()

    assert copying.Fingerprint.of(composed) == copying.Fingerprint.of(decomposed)


def test_the_suspected_copies_figure_counts_open_flags_on_latest_versions_per_subtree(
    tree, handed_in, alice
):
    from sessions_app.selectors import suspected_copy_counts

    paths = [tree[key].path for key in ("province", "district_a", "cell_a1", "district_b")]
    # By hand: flagged are Bình (cell A1, copy), Cường (cell A1, outline) and Giang
    # (district B, without diacritics): 3 in the province, 2 in district A and cell A1.
    assert suspected_copy_counts(paths=paths) == dict(zip(paths, [3, 2, 2, 1], strict=True))

    dismissed = _flags(handed_in["dan_de_cuong"])[0]
    services.copy_flag_dismiss(flag=dismissed, reason="Tóm tắt được phép.", by=alice)
    services.written_report_submit(  # Bình rewrites: the new version is his own
        report=handed_in["sao_chep_sua_vai_chu"],
        submitted_on=datetime.date(2023, 9, 25),
        text=(
            "Tôi là thủ quỹ chi bộ. Sau khi học tập, tôi tự kiểm điểm việc giữ sổ sách, "
            "sẽ công khai thu chi đảng phí hằng quý trước chi bộ và nhận sự giám sát của "
            "đảng viên; không nhận nhờ vả của ai về việc quy hoạch, bổ nhiệm."
        ),
    )

    assert suspected_copy_counts(paths=paths) == dict(zip(paths, [1, 0, 0, 1], strict=True))


def test_the_compliance_report_shows_suspected_copies_per_unit(client, superuser, tree, handed_in):
    from tests.report_tables import export_rows

    province = tree["province"]
    document = handed_in["goc"].document
    cells = [tree[key] for key in ("cell_a1", "cell_a2", "cell_b1")]
    builders.session(province, cells, [document], held_on=datetime.date(2023, 9, 1))
    client.force_login(superuser)

    rows = {row["Mã đơn vị"]: row for row in export_rows(client, province, {})}

    # By hand, as above: Bình and Cường (cell A1, district A), Giang (district B).
    assert rows["TINH"]["Bài nghi sao chép"] == "3"
    assert rows["HA"]["Bài nghi sao chép"] == "2"
    assert rows["HB"]["Bài nghi sao chép"] == "1"
