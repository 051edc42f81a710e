"""Error pages users can read, also in development."""

from django.conf import settings
from django.http import Http404
from django.views import defaults


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
