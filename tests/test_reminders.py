"""manage.py send_reminders: one Vietnamese email per staff member, nothing twice a day."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from sessions_app.models import Inspection, RemediationItem, ReminderLog
from sessions_app.tasks import reminders_send_task
from tests.test_reports_owed import owing  # noqa: F401 - the shared scenario

D = datetime.date


@pytest.fixture
def staff_with_email(alice, bob, charlie):
    for user, email in ((alice, "alice@xa.vn"), (bob, "bob@huyen.vn"), (charlie, "")):
        user.email = email
        user.save()
    return {"alice": alice, "bob": bob, "charlie": charlie}


@pytest.fixture
def remediation(tree):
    inspection = Inspection.objects.create(
        inspecting_unit=tree["district_a"],
        inspected_unit=tree["cell_a2"],
        started_on=D(2023, 9, 5),
        conclusion="Còn đảng viên chưa nộp bài thu hoạch.",
    )
    return RemediationItem.objects.create(
        inspection=inspection, description="Đôn đốc nộp bài thu hoạch", due_on=D(2023, 9, 30)
    )


def _run(day: str, days: int = 7):
    from io import StringIO

    out = StringIO()
    call_command("send_reminders", "--date", day, "--days", str(days), stdout=out)
    return out.getvalue()


def test_each_staff_member_gets_one_email_about_their_subtree(
    owing,  # noqa: F811
    staff_with_email,
    remediation,
):
    output = _run("25/09/2023")

    assert output.startswith("Đã gửi 2 thư nhắc")
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"alice@xa.vn", "bob@huyen.vn"}  # Charlie has no address
    alice_mail = by_recipient["alice@xa.vn"]
    assert alice_mail.subject == (
        "[Sổ học tập] Nhắc việc ngày 25/09/2023: 2 bài thu hoạch, 0 yêu cầu khắc phục"
    )
    assert "Nguyễn Văn An (Chi bộ thôn 1) – 114-QĐ/TW, hạn 01/10/2023: Chưa nộp" in alice_mail.body
    assert "Lê Văn Cường (Chi bộ thôn 1) – 114-QĐ/TW, hạn 01/10/2023: Bị trả lại" in alice_mail.body
    assert "Phạm Thị Dung" not in alice_mail.body  # cell A2 is not Alice's
    html, mimetype = alice_mail.alternatives[0]
    assert mimetype == "text/html"
    assert "<td>Nguyễn Văn An</td>" in html
    bob_mail = by_recipient["bob@huyen.vn"]
    assert "4 bài thu hoạch, 1 yêu cầu khắc phục" in bob_mail.subject
    assert "Chi bộ thôn 2: Đôn đốc nộp bài thu hoạch – hạn 30/09/2023" in bob_mail.body


def test_nothing_is_sent_twice_for_the_same_item_on_the_same_day(
    owing,  # noqa: F811
    staff_with_email,
):
    _run("25/09/2023")
    assert len(mail.outbox) == 2
    logged = ReminderLog.objects.count()

    output = _run("25/09/2023")

    assert len(mail.outbox) == 2
    assert output.startswith("Đã gửi 0 thư nhắc; 2 người không có mục mới")
    assert ReminderLog.objects.count() == logged == 2 + 4

    _run("26/09/2023")  # the next day they are reminded again
    assert len(mail.outbox) == 4


def test_only_items_due_within_the_days_asked_are_named(
    owing,  # noqa: F811
    staff_with_email,
):
    output = _run("01/09/2023", days=7)  # the reports are due on 1/10

    assert output.startswith("Đã gửi 0 thư nhắc")
    assert mail.outbox == []


def test_a_wrong_date_is_refused_in_vietnamese(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="không đúng dạng dd/mm/yyyy"):
        _run("2023-09-25")


def test_the_reminders_run_as_a_task(owing, staff_with_email):  # noqa: F811
    result = reminders_send_task.enqueue(days=100000)

    assert result.return_value["sent"] == 2
    assert len(mail.outbox) == 2
