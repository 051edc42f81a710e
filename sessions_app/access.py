"""Request-level access helpers: which address a login attempt comes from."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address for login rate limits.

    Behind our TLS reverse proxy (BEHIND_TLS_PROXY) it is the last X-Forwarded-For entry,
    the one the proxy itself appended; earlier entries are whatever the client sent.
    """
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")
