"""Vietnamese names for third-party apps whose admin sections staff can see."""

from axes.apps import AppConfig as AxesAppConfig
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = "Đăng nhập sai và khóa tài khoản"


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = "Tác vụ chạy nền"
