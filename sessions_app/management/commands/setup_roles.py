from django.core.management.base import BaseCommand

from sessions_app.roles import setup_role_groups


class Command(BaseCommand):
    help = "Tạo hoặc cập nhật các nhóm quyền theo vai trò cán bộ (nhập liệu, quản lý, quản trị đơn vị)."

    def handle(self, *args, **options):
        for group in setup_role_groups():
            self.stdout.write(f"{group.name}: {group.permissions.count()} quyền")
