from django.db import migrations


def add_default_target(apps, schema_editor):
    ComplianceTarget = apps.get_model("reports_app", "ComplianceTarget")
    if not ComplianceTarget.objects.exists():
        ComplianceTarget.objects.create(name="Chỉ tiêu học tập, quán triệt (mặc định)")


class Migration(migrations.Migration):
    dependencies = [("reports_app", "0001_compliance_target")]

    operations = [migrations.RunPython(add_default_target, migrations.RunPython.noop)]
