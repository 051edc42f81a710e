"""Request guards that run before any view."""

from django.http import HttpResponseBadRequest


class RefuseNulBytesMiddleware:
    """A NUL byte in the address or query string is a 400, never a database error.

    PostgreSQL refuses NUL in text (SQLite accepts it), so `?q=%00` would otherwise reach
    a filter and fail with a 500 on one database only. Form fields report NUL themselves.
    """

    message = "Địa chỉ trang có ký tự không hợp lệ (ký tự NUL)."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(self.message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
