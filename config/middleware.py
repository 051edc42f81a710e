"""Request guards that run before any view, and error pages users can read."""

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest
from django.views import defaults


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


class VietnameseNotFoundMiddleware:
    """With DEBUG on, a view's 404 (a record outside the user's units) is still our page.

    Django's technical 404 page is English and lists the URLconf; staff trying the app
    under `make run` should see what they will see in production. Unknown URLs (raised by
    the resolver, not a view) keep the technical page for developers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        return None
