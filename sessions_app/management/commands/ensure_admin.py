"""Create the first administrator login, so a new user can look around at once."""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Tạo tài khoản quản trị ban đầu (ADMIN_USERNAME, ADMIN_PASSWORD) nếu chưa có."

    def handle(self, *args, **options):
        username = os.environ.get("ADMIN_USERNAME", "admin")
        password = os.environ.get("ADMIN_PASSWORD")
        user_model = get_user_model()
        if user_model.objects.filter(username=username).exists():
            self.stdout.write(f"Tài khoản quản trị “{username}” đã có; giữ nguyên mật khẩu.")
            return
        password = password or secrets.token_urlsafe(12)
        user_model.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                "Đã tạo tài khoản quản trị.\n"
                f"  Tên đăng nhập: {username}\n"
                f"  Mật khẩu:      {password}\n"
                "  Đăng nhập tại: http://127.0.0.1:8000/admin/"
            )
        )
