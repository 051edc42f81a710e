"""Impossible values: a Vietnamese error on the field, the typed values kept, nothing saved."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from sessions_app.choices import AttendanceStatus
from sessions_app.models import Attendance, Document, SessionSite, StudySession
from tests import builders


def _url(model, view, *args):
    return reverse(f"admin:sessions_app_{model._meta.model_name}_{view}", args=args)


def _session_data(tree, doc, **overrides):
    data = {
        "title": "Hội nghị quán triệt Quy định 114",
        "documents": [doc.pk],
        "organiser": tree["cell_a1"].pk,
        "participating_units": [tree["cell_a1"].pk],
        "held_on": "13/12/2023",
        "start_time": "14:00",
        "end_time": "16:00",
        "location": "Nhà văn hóa thôn 1",
        "format": "truc_tiep",
        "audience": "toan_the_dang_vien",
        "sites-TOTAL_FORMS": "0",
        "sites-INITIAL_FORMS": "0",
    }
    return data | overrides


@pytest.fixture
def doc(db):
    return builders.document()


def _form_errors(response):
    return response.context["adminform"].form.errors


def test_session_ending_before_it_starts_is_refused_on_the_end_time(admin_client, tree, doc):
    data = _session_data(tree, doc, start_time="14:00", end_time="13:30")
    response = admin_client.post(_url(StudySession, "add"), data)
    assert response.status_code == 200
    assert _form_errors(response)["end_time"] == ["Giờ kết thúc phải sau giờ bắt đầu."]
    form = response.context["adminform"].form
    assert form["title"].value() == "Hội nghị quán triệt Quy định 114"
    assert form["end_time"].value() == "13:30"
    assert 'value="Nhà văn hóa thôn 1"' in response.content.decode()
    assert not StudySession.objects.exists()


def test_well_formed_session_is_saved_with_day_first_date(admin_client, tree, doc):
    response = admin_client.post(_url(StudySession, "add"), _session_data(tree, doc))
    assert response.status_code == 302
    assert StudySession.objects.get().held_on == datetime.date(2023, 12, 13)


def test_site_with_more_attendees_than_expected_is_refused_on_the_row(admin_client, tree, doc):
    data = _session_data(
        tree,
        doc,
        **{
            "sites-TOTAL_FORMS": "1",
            "sites-0-name": "Điểm cầu xã Dân Lực",
            "sites-0-expected": "350",
            "sites-0-attended": "351",
        },
    )
    response = admin_client.post(_url(StudySession, "add"), data)
    assert response.status_code == 200
    site_form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert site_form.errors["attended"] == [
        "Số tham dự tại điểm cầu không được lớn hơn số được triệu tập."
    ]
    assert site_form["attended"].value() == "351"
    assert 'value="Điểm cầu xã Dân Lực"' in response.content.decode()
    assert not StudySession.objects.exists()
    assert not SessionSite.objects.exists()


def test_reported_rate_over_100_is_refused_on_the_field(admin_client, tree, doc):
    response = admin_client.post(
        _url(StudySession, "add"), _session_data(tree, doc, reported_rate="120")
    )
    assert _form_errors(response)["reported_rate"] == ["Tỷ lệ tham gia phải trong khoảng 0–100%."]


def test_member_recorded_twice_in_one_session_is_refused_on_the_member(
    admin_client, tree, roster, doc
):
    session = builders.session(tree["cell_a1"], [tree["cell_a1"]], [doc])
    Attendance.objects.create(session=session, member=roster["an"])
    response = admin_client.post(
        _url(Attendance, "add"),
        {
            "session": session.pk,
            "member": roster["an"].pk,
            "status": AttendanceStatus.LATE,
            "note": "Đến muộn 15 phút",
        },
    )
    assert response.status_code == 200
    assert _form_errors(response)["member"] == [
        "Đảng viên này đã có trong danh sách điểm danh của hội nghị."
    ]
    assert 'value="Đến muộn 15 phút"' in response.content.decode()
    assert Attendance.objects.get().status == AttendanceStatus.PRESENT


def test_attendance_for_member_outside_the_session_is_refused(admin_client, tree, roster, doc):
    session = builders.session(tree["cell_a1"], [tree["cell_a1"]], [doc])
    response = admin_client.post(
        _url(Attendance, "add"),
        {"session": session.pk, "member": roster["giang"].pk, "status": AttendanceStatus.PRESENT},
    )
    assert "không thuộc các đơn vị tham gia" in _form_errors(response)["member"][0]
    assert not Attendance.objects.exists()


def test_unparseable_symbol_is_refused_on_the_symbol(admin_client, db):
    data = {
        "symbol": "QĐ 114 TW",
        "issuing_body": "Bộ Chính trị",
        "issued_on": "11/07/2023",
        "title": "Quy định về lựa chọn, sắp xếp cán bộ",
        "term": "XIII",
        "report_required": "on",
    }
    response = admin_client.post(_url(Document, "add"), data)
    assert response.status_code == 200
    assert "không đúng dạng số-loại/cơ quan ban hành" in _form_errors(response)["symbol"][0]
    form = response.context["adminform"].form
    assert form["symbol"].value() == "QĐ 114 TW"
    assert form["title"].value() == "Quy định về lựa chọn, sắp xếp cán bộ"
    assert not Document.objects.exists()


def test_typed_symbol_is_stored_in_canonical_form(admin_client, db):
    data = {"symbol": "114-qd/tw", "issued_on": "11/07/2023", "title": "Quy định 114"}
    assert admin_client.post(_url(Document, "add"), data).status_code == 302
    doc = Document.objects.get()
    assert (doc.symbol, doc.number, doc.kind, doc.issuer) == ("114-QĐ/TW", 114, "QĐ", "TW")


def test_same_symbol_twice_in_one_term_is_refused_on_the_symbol(admin_client, db):
    builders.document("114-QĐ/TW", term="XIII")
    data = {"symbol": "114-qđ/tw", "issued_on": "11/07/2023", "title": "Lặp", "term": "XIII"}
    response = admin_client.post(_url(Document, "add"), data)
    assert _form_errors(response)["symbol"] == ["Đã có văn bản cùng số ký hiệu trong khóa này."]
    assert Document.objects.count() == 1


def test_database_refuses_what_the_forms_refuse(tree, roster, doc):
    session = builders.session(tree["cell_a1"], [tree["cell_a1"]], [doc])
    Attendance.objects.create(session=session, member=roster["an"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(session=session, member=roster["an"])
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionSite.objects.create(session=session, name="X", expected=10, attended=11)
    session.start_time, session.end_time = datetime.time(14), datetime.time(13)
    with pytest.raises(IntegrityError), transaction.atomic():
        session.save()
