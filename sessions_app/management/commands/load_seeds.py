"""Load the seed articles and the records taken from them; running it again changes nothing."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sessions_app.seeding import CREATED, SEEDED_MODELS, UNCHANGED, UPDATED, seeds_load


class Command(BaseCommand):
    help = (
        "Nạp năm bài viết nguồn và dữ liệu mẫu lấy từ các bài (seeds/fixtures.json). "
        "Chạy lại nhiều lần không làm thay đổi dữ liệu."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            type=Path,
            default=None,
            help="Thư mục chứa fixtures.json và các bài viết (mặc định: seeds/ của dự án).",
        )

    def handle(self, *args, **options):
        try:
            tally = seeds_load(directory=options["directory"])
        except ValidationError as error:
            raise CommandError("Không nạp được dữ liệu mẫu: " + " ".join(error.messages)) from error
        for model in SEEDED_MODELS:
            counts = tally.by_model.get(model)
            if counts:
                self.stdout.write(
                    f"  {model._meta.verbose_name_plural.capitalize()}: {_summary(counts)}"
                )
        totals = {outcome: tally.total(outcome) for outcome in (CREATED, UPDATED, UNCHANGED)}
        message = f"Đã nạp: {_summary(totals)}."
        self.stdout.write(self.style.SUCCESS(message) if tally.changed else message)


def _summary(counts) -> str:
    return f"{counts[CREATED]} mới, {counts[UPDATED]} cập nhật, {counts[UNCHANGED]} không đổi"
