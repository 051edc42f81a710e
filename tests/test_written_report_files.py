"""Handing in a report as a file: checked by content, text extracted, served only to its unit."""

import datetime
from urllib.parse import quote

import pytest
from django.test import override_settings
from django.urls import reverse

from sessions_app import services
from sessions_app.choices import ReportFileKind, ReportStatus
from sessions_app.models import WrittenReport
from tests import builders
from tests.report_files_data import EXE, HTML, SVG, docx_bytes, odt_bytes, pdf_bytes, upload

TEXT = "Bài thu hoạch Quy định 114-QĐ/TW\nLiên hệ thực tế: công tác cán bộ ở chi bộ thôn."
ADD = "admin:sessions_app_writtenreport_add"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "public"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def document(db):
    return builders.document()


def _post_file(client, roster, document, name, content):
    return client.post(
        reverse(ADD),
        {
            "member": roster["binh"].pk,
            "document": document.pk,
            "submitted_on": "10/09/2023",
            "text": "",
            "action_plan": "",
            "reviewer_comment": "",
            "upload": upload(name, content),
        },
    )


@pytest.mark.parametrize(
    ("name", "content", "kind", "expected"),
    [
        ("bai-thu-hoach.docx", docx_bytes(TEXT), ReportFileKind.DOCX, TEXT),
        ("bài thu hoạch.odt", odt_bytes(TEXT), ReportFileKind.ODT, TEXT),
        ("bai.txt", TEXT.encode("utf-8"), ReportFileKind.TXT, TEXT),
        ("bai.pdf", pdf_bytes("Bai thu hoach cua dang vien"), ReportFileKind.PDF, "Bai thu hoach"),
    ],
)
def test_staff_hand_in_a_report_file_and_its_text_is_kept(
    client, alice, roster, document, private_media, name, content, kind, expected
):
    client.force_login(alice)
    assert not WrittenReport.objects.exists()

    response = _post_file(client, roster, document, name, content)

    assert response.status_code == 302, response.context["adminform"].form.errors
    report = WrittenReport.objects.get()
    assert (report.status, report.file_kind, report.file_name) == (
        ReportStatus.SUBMITTED,
        kind,
        name,
    )
    assert expected in report.text
    stored = report.file.path
    assert stored.startswith(str(private_media))
    version = report.versions.get()
    assert (version.number, version.file.name, version.file_kind) == (1, report.file.name, kind)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bai.html", HTML, "Tệp “bai.html” không được nhận"),
        ("hinh.svg", SVG, "Tệp “hinh.svg” không được nhận"),
        ("setup.exe", EXE, "Tệp “setup.exe” không được nhận"),
        ("bai.pdf", EXE, "Nội dung tệp “bai.pdf” không phải PDF"),
        ("bai.txt", HTML, "Nội dung tệp “bai.txt” không phải Văn bản thuần"),
        ("bai.txt", SVG, "Nội dung tệp “bai.txt” không phải Văn bản thuần"),
        ("bai.docx", odt_bytes(TEXT), "Nội dung tệp “bai.docx” không phải Word"),
        ("bai.docx", b"PK\x03\x04 not really a zip", "Nội dung tệp “bai.docx” không phải Word"),
    ],
)
def test_a_file_that_is_not_a_report_document_is_refused_by_its_content(
    client, alice, roster, document, name, content, message
):
    client.force_login(alice)

    response = _post_file(client, roster, document, name, content)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["upload"]
    assert any(error.startswith(message) for error in errors), errors
    assert not WrittenReport.objects.exists()


@override_settings(WRITTEN_REPORT_MAX_BYTES=1024)
def test_a_file_over_the_size_limit_is_refused(client, alice, roster, document):
    client.force_login(alice)

    response = _post_file(client, roster, document, "bai.txt", ("Bài thu hoạch " * 200).encode())

    errors = response.context["adminform"].form.errors["upload"]
    assert errors == ["Tệp “bai.txt” nặng 3 KB, vượt giới hạn 1 KB."]
    assert not WrittenReport.objects.exists()


@pytest.fixture
def report_with_file(roster, document, alice):
    from sessions_app.report_files import read_report_file

    return services.written_report_submit(
        report=WrittenReport(member=roster["binh"], document=document),
        submitted_on=datetime.date(2023, 9, 10),
        upload=read_report_file(upload("bai.docx", docx_bytes(TEXT))),
        by=alice,
    )


def _file_url(report):
    return reverse("admin:sessions_app_writtenreport_file", args=[report.pk])


def test_the_unit_downloads_the_file_as_an_attachment_with_a_vietnamese_name(
    client, alice, report_with_file
):
    client.force_login(alice)

    response = client.get(_file_url(report_with_file))

    assert response.status_code == 200
    with open(report_with_file.file.path, "rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()
    name = "Bài thu hoạch - Trần Thị Bình - 114-QĐ-TW.docx"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(name)}" in disposition
    assert 'filename="bai-thu-hoach-tran-thi-binh-114-qd-tw.docx"' in disposition
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_district_manager_may_download_it_too(client, bob, report_with_file):
    client.force_login(bob)

    assert client.get(_file_url(report_with_file)).status_code == 200


def test_an_outsider_gets_not_found_for_the_file(client, alice, charlie, report_with_file):
    client.force_login(charlie)
    assert client.get(_file_url(report_with_file)).status_code == 404
    version_url = reverse(
        "admin:sessions_app_writtenreport_version_file", args=[report_with_file.pk, 1]
    )
    assert client.get(version_url).status_code == 404
    client.force_login(alice)  # the same URLs work for the unit: the 404 is the scope
    assert client.get(version_url).status_code == 200


def test_an_anonymous_visitor_is_sent_to_the_login(client, report_with_file):
    response = client.get(_file_url(report_with_file))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_report_files_have_no_public_url(report_with_file):
    with pytest.raises(ValueError, match="không có địa chỉ công khai"):
        report_with_file.file.url  # noqa: B018


def test_the_change_page_links_the_file_through_the_checked_view(client, alice, report_with_file):
    client.force_login(alice)

    page = client.get(
        reverse("admin:sessions_app_writtenreport_change", args=[report_with_file.pk])
    )

    assert f'href="{_file_url(report_with_file)}"' in page.content.decode()
    assert "/media/" not in page.content.decode()


def test_text_pasted_on_resubmission_replaces_the_file_which_stays_on_its_version(
    client, alice, report_with_file
):
    services.written_report_submit(
        report=report_with_file,
        submitted_on=datetime.date(2023, 9, 20),
        text="Bản viết lại, dán trực tiếp.",
        by=alice,
    )

    report_with_file.refresh_from_db()
    assert (report_with_file.file.name, report_with_file.file_kind) == ("", "")
    first, second = report_with_file.versions.order_by("number")
    assert (bool(first.file), bool(second.file)) == (True, False)
    client.force_login(alice)
    assert client.get(_file_url(report_with_file)).status_code == 404
    old = reverse("admin:sessions_app_writtenreport_version_file", args=[report_with_file.pk, 1])
    assert client.get(old).status_code == 200
