"""Loaded with `-p` before Django starts: test defaults for the environment-driven settings."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("FAST_PASSWORD_HASHER", "true")
os.environ.setdefault("MEDIA_ROOT", "/tmp/studylog-test-media")
# whitenoise warns on every request when STATIC_ROOT is missing; tests serve nothing from it.
os.environ.setdefault("STATIC_ROOT", "/tmp/studylog-test-static")
os.makedirs(os.environ["STATIC_ROOT"], exist_ok=True)
os.environ.setdefault("DB_CONN_MAX_AGE", "0")  # the live server thread must not hold connections
os.environ.setdefault("TASKS_BACKEND", "immediate")  # production defaults to the queue
