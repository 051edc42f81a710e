"""Generate a synthetic province for load tests (see sessions_app.generation)."""

from django.core.management.base import BaseCommand, CommandError

from sessions_app.generation import Shape, generate_province


class Command(BaseCommand):
    help = (
        "Sinh dữ liệu mô phỏng một tỉnh để thử tải: --scale 1 là 250.000 đảng viên, "
        "~25.000 hội nghị, ~4,7 triệu lượt điểm danh. Cùng scale và seed cho cùng dữ liệu."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=0.01, help="0.01, 0.1 hoặc 1 (mặc định 0.01)"
        )
        parser.add_argument("--seed", type=int, default=1, help="số hạt giống (mặc định 1)")

    def handle(self, *args, scale, seed, **options):
        if not 0 < scale <= 1:
            raise CommandError("--scale phải lớn hơn 0 và không quá 1.")
        if seed < 0:
            raise CommandError("--seed phải là số không âm.")
        shape = Shape.for_scale(scale)
        self.stdout.write(
            f"Sinh tỉnh mô phỏng: {shape.districts} huyện/khối, {shape.grassroots} TCCS, "
            f"~{shape.cells} chi bộ, {shape.members:,} đảng viên (seed {seed})."
        )
        try:
            counts = generate_province(scale=scale, seed=seed, log=self.stdout.write)
        except ValueError as error:
            raise CommandError(str(error)) from error
        for label, count in counts.items():
            self.stdout.write(f"  {label}: {count:,}")
