"""Content-Security-Policy (Django's own) is sent, and the admin pages work under it."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.urls import reverse


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in header.split("; ")}


def test_every_page_carries_a_policy_without_unsafe_inline(client):
    policy = _policy(client.get(reverse("admin:login")))
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert any(s.startswith("'nonce-") for s in policy["script-src"])


def test_admin_pages_run_no_inline_script_the_policy_would_block(client, alice, roster):
    client.force_login(alice)
    for url in (
        reverse("admin:index"),
        reverse("admin:sessions_app_member_changelist"),
        reverse("admin:sessions_app_member_change", args=[roster["an"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        nonce = _policy(response)["script-src"][1].removeprefix("'nonce-").rstrip("'")
        for tag in re.findall(r"<script\b[^>]*>", response.content.decode()):
            runs_inline = "src=" not in tag and 'type="application/json"' not in tag
            assert not runs_inline or f'nonce="{nonce}"' in tag, (url, tag)


def test_production_settings_pass_the_deploy_check_but_for_what_the_tls_proxy_settles():
    root = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "k" * 20 + "-production-like-secret-key-for-the-check-9f3a",
        "ALLOWED_HOSTS": "example.org",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    reported = set(re.findall(r"\(([\w.]+\.[WE]\d+)\)", result.stderr + result.stdout))
    # HSTS and the HTTPS redirect are set at the TLS proxy (docs/deployment.md).
    assert reported <= {"security.W004", "security.W008"}, reported
