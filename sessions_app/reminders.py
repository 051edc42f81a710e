"""Reminders by email: each unit's staff hear what falls due in their subtree.

`reminders_send` is the one service (kept here, beside its templates, rather than in
services.py: it writes only its own sent-log). Called by `manage.py send_reminders` (cron)
and the `reminders_send_task` task.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from sessions_app import selectors
from sessions_app.models import ReminderLog
from sessions_app.models.reminders import ReminderKind

MAX_ITEMS_PER_KIND = 100


@dataclass
class ReminderRun:
    """What a run did: emails sent, users skipped (nothing new), failures by user."""

    sent: int = 0
    skipped: int = 0
    failed: list[str] = field(default_factory=list)


def _recipients():
    return (
        get_user_model()
        .objects.filter(is_active=True, staff_profile__unit__isnull=False)
        .exclude(email="")
        .select_related("staff_profile__unit")
        .order_by("pk")
    )


def _not_yet_sent(user, kind, items, today):
    already = set(
        ReminderLog.objects.filter(user=user, kind=kind, sent_on=today).values_list(
            "item_id", flat=True
        )
    )
    return [item for item in items if item.pk not in already]


def reminders_send(*, today: datetime.date, days: int | None = None) -> ReminderRun:
    """Email each staff member the reports owed and remediation items due within `days`.

    One email per user, plain text and HTML. An item named to a user today is not named
    again today (ReminderLog); a user with nothing new gets no email. The log rows are
    written before the email in one transaction per user: a failed send leaves no log,
    and a second run at the same moment waits on the unique index and then skips.
    """
    days = settings.REMINDER_DAYS if days is None else days
    horizon = today + datetime.timedelta(days=days)
    run = ReminderRun()
    for user in _recipients():
        path = user.staff_profile.unit.path
        reports = _not_yet_sent(
            user,
            ReminderKind.REPORT,
            list(selectors.reports_owed_due_by(path=path, day=horizon)[:MAX_ITEMS_PER_KIND]),
            today,
        )
        remediations = _not_yet_sent(
            user,
            ReminderKind.REMEDIATION,
            list(selectors.remediations_due_by(path=path, day=horizon)[:MAX_ITEMS_PER_KIND]),
            today,
        )
        if not reports and not remediations:
            run.skipped += 1
            continue
        try:
            with transaction.atomic():
                ReminderLog.objects.bulk_create(
                    [
                        ReminderLog(
                            user=user, kind=ReminderKind.REPORT, item_id=o.pk, sent_on=today
                        )
                        for o in reports
                    ]
                    + [
                        ReminderLog(
                            user=user, kind=ReminderKind.REMEDIATION, item_id=r.pk, sent_on=today
                        )
                        for r in remediations
                    ]
                )
                _message(user, reports, remediations, today, days).send()
        except IntegrityError:
            run.skipped += 1  # another run named these items to this user today
        except OSError as error:  # SMTP refused or unreachable: try this user next run
            run.failed.append(f"{user.username}: {error}")
        else:
            run.sent += 1
    return run


def _message(user, reports, remediations, today, days):
    context = {
        "user": user,
        "unit": user.staff_profile.unit,
        "today": today,
        "days": days,
        "reports": [
            {"obligation": o, "state": selectors.owed_state(o, today), "overdue": o.due_on < today}
            for o in reports
        ],
        "remediations": [{"item": r, "overdue": r.due_on < today} for r in remediations],
        "owed_url": settings.SITE_URL + reverse("admin:sessions_app_writtenreport_owed"),
        "remediation_url": settings.SITE_URL
        + reverse("admin:sessions_app_remediationitem_changelist"),
    }
    subject = (
        f"[Sổ học tập] Nhắc việc ngày {today:%d/%m/%Y}: {len(reports)} bài thu hoạch, "
        f"{len(remediations)} yêu cầu khắc phục"
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("sessions_app/email/reminder.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("sessions_app/email/reminder.html", context), "text/html"
    )
    return message
