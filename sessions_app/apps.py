from django.apps import AppConfig
from django.db.backends.signals import connection_created


class SessionsAppConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sessions_app"
    verbose_name = "Học tập, quán triệt nghị quyết"

    def ready(self):
        from sessions_app.collation import install_on_sqlite

        # SQLite has no ICU: each connection learns the Vietnamese order from Python.
        connection_created.connect(install_on_sqlite, dispatch_uid="vietnamese_collation")
