"""Storage for written-report files: outside MEDIA_ROOT, with no URL of its own.

The files are members' personal writing. They are served only by the download views,
which check the user's access to the report first; nothing maps this folder to a URL.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateReportStorage(FileSystemStorage):
    """A folder read from settings at each use (tests point it at a temporary folder)."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Tệp bài thu hoạch không có địa chỉ công khai; tải qua trang tải tệp.")


_storage = PrivateReportStorage()


def private_storage():
    """The storage of report files (a callable, so migrations do not freeze its settings)."""
    return _storage
