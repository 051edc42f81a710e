"""Import and export join the admin lists of the record kinds from here.

sessions_app's admin knows nothing of imports: each kind's admin is registered there,
and this module (found by the admin's autodiscovery, after sessions_app's) registers it
again with the import-export views in front. The dependency runs one way only: imports_app
uses sessions_app, never the reverse (tests/test_app_dependencies.py).
"""

from django.contrib import admin

import sessions_app.admin  # noqa: F401 - the admins this module extends are registered first
from imports_app.admin_io import RecordIOMixin, SessionAttendanceIOMixin
from imports_app.kinds import KINDS
from sessions_app.models import StudySession


def _extend(model, mixin, **attributes) -> None:
    """Register the model's admin again as a subclass with the mixin before it."""
    current = type(admin.site._registry[model])
    extended = type(
        current.__name__, (mixin, current), {"__module__": current.__module__, **attributes}
    )
    admin.site.unregister(model)
    admin.site.register(model, extended)


for kind in KINDS.values():
    _extend(kind.model, RecordIOMixin, io_kind=kind.name, io_import=kind.import_on_list)
_extend(StudySession, SessionAttendanceIOMixin)
