"""Benchmark: check one new written report for copying against 5,000 on the same document.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/studylog_written_bench \
        .venv/bin/python bench/copy_detection.py

The database named in DATABASE_URL is emptied first (it must be a scratch database).
It loads 5,000 handed-in reports of about 300 words on one document (independent texts
that share the stock phrases real reports share, plus 1 % near-copies) with their LSH
entries, then hands in new reports through services.written_report_submit (new version,
signature, band keys, candidate query, exact comparison, flags) and prints the time per
submission. Options: --reports N (default 5000), --submissions N (default 30).
Figures go in docs/performance.md.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from sessions_app import copying, services  # noqa: E402
from sessions_app.choices import ReportStatus, UnitKind  # noqa: E402
from sessions_app.models import (  # noqa: E402
    CopyFlag,
    Document,
    Member,
    ReportBand,
    ReportSignature,
    WrittenReport,
)

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "bai_thu_hoach"
STOCK = [
    "nâng cao nhận thức, trách nhiệm của cán bộ, đảng viên",
    "thực hiện nghiêm nguyên tắc tập trung dân chủ",
    "công khai, minh bạch trong công tác cán bộ",
    "phòng, chống tham nhũng, tiêu cực",
    "kiểm soát quyền lực trong công tác cán bộ",
    "người đứng đầu phải gương mẫu",
    "liên hệ thực tế tại cơ quan, đơn vị",
    "chịu sự giám sát của chi bộ và nhân dân",
    "xây dựng kế hoạch hành động cụ thể",
    "góp phần xây dựng Đảng trong sạch, vững mạnh",
]


def vocabulary() -> list[str]:
    words = []
    for path in sorted(DATA.glob("*.txt")):
        words += copying.words(path.read_text(encoding="utf-8"))
    return sorted(set(words))


def report_text(rng: random.Random, vocab: list[str], n_words: int = 300) -> str:
    parts, count = [], 0
    while count < n_words:
        if rng.random() < 0.25:
            sentence = rng.choice(STOCK)
        else:
            sentence = " ".join(rng.choice(vocab) for _ in range(rng.randint(8, 20)))
        parts.append(sentence.capitalize() + ".")
        count += len(sentence.split())
    return " ".join(parts)


def near_copy(rng: random.Random, vocab: list[str], text: str) -> str:
    tokens = text.split()
    for _ in range(len(tokens) // 20):
        tokens[rng.randrange(len(tokens))] = rng.choice(vocab)
    return " ".join(tokens)


def load(n_reports: int, rng: random.Random, vocab: list[str]) -> Document:
    province = services.organisation_create(
        parent=None, code="BENCH", name="Đảng bộ tỉnh Thử tải", kind=UnitKind.PROVINCE
    )
    cells = [
        services.organisation_create(
            parent=province, code=f"C{c:03d}", name=f"Chi bộ {c}", kind=UnitKind.CELL
        )
        for c in range(50)
    ]
    document = Document(
        issued_on=datetime.date(2023, 7, 11),
        title="Quy định về kiểm soát quyền lực trong công tác cán bộ",
    )
    services.document_prepare(document=document, symbol="114-QĐ/TW")
    document.save()
    members = Member.objects.bulk_create(
        [
            Member(
                unit=cells[n % len(cells)],
                code=f"B{n:06d}",
                full_name=f"Đảng viên {n}",
                joined_on=datetime.date(2010, 1, 1),
            )
            for n in range(n_reports + 200)
        ]
    )
    texts = []
    for _ in range(n_reports):
        if texts and rng.random() < 0.01:
            texts.append(near_copy(rng, vocab, rng.choice(texts)))
        else:
            texts.append(report_text(rng, vocab))
    reports = WrittenReport.objects.bulk_create(
        [
            WrittenReport(
                member=members[n],
                document=document,
                status=ReportStatus.SUBMITTED,
                submitted_on=datetime.date(2023, 9, 1),
                text=texts[n],
            )
            for n in range(n_reports)
        ],
        batch_size=1000,
    )
    signatures, bands = [], []
    for report in reports:
        fingerprint = copying.Fingerprint.of(report.text)
        signature = copying.minhash(fingerprint)
        signatures.append(
            ReportSignature(
                report=report,
                document=document,
                minhash=signature.tobytes(),
                shingle_count=len(fingerprint.folded),
            )
        )
        bands += [
            ReportBand(document=document, report=report, key=key)
            for key in copying.band_keys(signature)
        ]
    ReportSignature.objects.bulk_create(signatures, batch_size=1000)
    ReportBand.objects.bulk_create(bands, batch_size=5000)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    return document


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=5000)
    parser.add_argument("--submissions", type=int, default=30)
    args = parser.parse_args()
    rng = random.Random(114)
    vocab = vocabulary()

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    document = load(args.reports, rng, vocab)
    print(
        f"loaded {args.reports} reports with their LSH entries in {time.perf_counter() - started:.1f} s"
    )
    copying.minhash(copying.Fingerprint.of("khởi động"))  # import datasketch outside the timing

    existing = list(
        WrittenReport.objects.filter(document=document).values_list("text", flat=True)[:200]
    )
    free = list(Member.objects.filter(written_reports__isnull=True)[: args.submissions])
    timings, queries, flagged = [], [], 0
    for n, member in enumerate(free):
        # Every third submission is a near-copy of an existing report: those pay for the
        # exact comparison and the flag as well.
        text = (
            near_copy(rng, vocab, rng.choice(existing)) if n % 3 == 0 else report_text(rng, vocab)
        )
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            report = services.written_report_submit(
                report=WrittenReport(member=member, document=document),
                submitted_on=datetime.date(2023, 9, 10),
                text=text,
            )
            timings.append((time.perf_counter() - t0) * 1000)
        queries.append(len(captured))
        flagged += CopyFlag.objects.filter(report=report).exists()
    timings.sort()
    print(
        f"{connection.vendor}: {len(timings)} submissions against {args.reports} reports on one document: "
        f"median {statistics.median(timings):.1f} ms, p95 {timings[int(len(timings) * 0.95) - 1]:.1f} ms, "
        f"max {timings[-1]:.1f} ms; {statistics.median(queries):.0f} queries each (median); "
        f"{flagged} flagged"
    )


if __name__ == "__main__":
    main()
