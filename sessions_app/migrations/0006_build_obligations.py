"""Build the obligation rows for the study log already recorded."""

from django.db import migrations


def build(apps, schema_editor):
    # Fresh databases hold no members: nothing to build, and nothing that could meet a
    # future schema. With data, the rebuild is the same two INSERT … SELECT statements
    # `manage.py rebuild_obligations` runs, over the tables as this migration leaves them.
    if not apps.get_model("sessions_app", "MemberPlacement").objects.exists():
        return
    from sessions_app.obligations import obligations_rebuild

    obligations_rebuild(tallies=False)  # their tables come in 0009


def unbuild(apps, schema_editor):
    apps.get_model("sessions_app", "AttendanceObligation").objects.all().delete()
    apps.get_model("sessions_app", "ReportObligation").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_app", "0005_obligations"),
    ]

    operations = [migrations.RunPython(build, unbuild, elidable=True)]
