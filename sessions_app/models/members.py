import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from sessions_app.choices import CommitteeRole, Gender, MemberStatus
from sessions_app.models.locking import VersionedModel
from sessions_app.models.scoping import ScopedQuerySet, path_q
from sessions_app.text import fold


class MemberQuerySet(ScopedQuerySet):
    def scope_filter(self, path):
        # A member transferred out of the system is still visible to the unit that kept
        # their history: scope by every unit they were ever placed in.
        return path_q("unit__path", path) | Q(
            models.Exists(
                MemberPlacement.objects.filter(
                    member=models.OuterRef("id"), unit__path__startswith=path
                )
            )
        )

    def edit_filter(self, path):
        # The units a member has left keep reading their history but no longer change them.
        return path_q("unit__path", path)


class Member(VersionedModel):
    """A party member on a unit's roster (đảng viên)."""

    code = models.CharField("mã đảng viên", max_length=20, unique=True)
    card_number = models.CharField("số thẻ đảng viên", max_length=20, blank=True, default="")
    full_name = models.CharField("họ và tên", max_length=200)
    birth_date = models.DateField("ngày sinh", null=True, blank=True)
    gender = models.CharField("giới tính", max_length=5, choices=Gender.choices, blank=True)
    unit = models.ForeignKey(
        "sessions_app.Organisation",
        verbose_name="chi bộ đang sinh hoạt",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    joined_on = models.DateField("ngày vào Đảng")
    full_member_on = models.DateField("ngày chuyển chính thức", null=True, blank=True)
    committee_role = models.CharField(
        "chức vụ cấp ủy",
        max_length=20,
        choices=CommitteeRole.choices,
        blank=True,
        default=CommitteeRole.NONE,
    )
    is_leader = models.BooleanField(
        "cán bộ lãnh đạo, quản lý",
        default=False,
        help_text="Bài thu hoạch của cán bộ lãnh đạo, quản lý phải có kế hoạch hành động.",
    )
    position = models.CharField("chức vụ chính quyền, đoàn thể", max_length=200, blank=True)
    status = models.CharField(
        "tình trạng", max_length=20, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    search_text = models.CharField(max_length=300, editable=False, db_index=True, default="")

    objects = MemberQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = "đảng viên"
        verbose_name_plural = "đảng viên"
        ordering = ["full_name", "code"]
        indexes = [
            # The roster's order (name, then the unique code): a page without a sort.
            models.Index(fields=["full_name", "code"], name="member_name_code"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["card_number"],
                condition=~Q(card_number=""),
                name="member_card_number_unique",
                violation_error_message="Số thẻ đảng viên này đã được dùng cho đảng viên khác.",
            ),
            models.CheckConstraint(
                condition=Q(full_member_on__isnull=True) | Q(full_member_on__gte=F("joined_on")),
                name="member_full_after_joined",
                violation_error_message="Ngày chuyển chính thức không được trước ngày vào Đảng.",
            ),
            models.CheckConstraint(
                condition=Q(birth_date__isnull=True) | Q(birth_date__lt=F("joined_on")),
                name="member_born_before_joined",
                violation_error_message="Ngày sinh phải trước ngày vào Đảng.",
            ),
            models.CheckConstraint(
                condition=Q(status=MemberStatus.TRANSFERRED_OUT) | Q(unit__isnull=False),
                name="member_active_has_unit",
                violation_error_message="Đảng viên đang sinh hoạt phải thuộc một chi bộ.",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.code})"

    # A mistyped year (2099 for 2009) would place the member nowhere until then.
    JOINED_IN_FUTURE = "Ngày vào Đảng không được sau ngày hôm nay."

    @staticmethod
    def joined_in_future(joined_on: datetime.date | None, today: datetime.date) -> bool:
        return joined_on is not None and joined_on > today

    def clean(self):
        super().clean()
        if self.joined_in_future(self.joined_on, timezone.localdate()):
            raise ValidationError({"joined_on": self.JOINED_IN_FUTURE})

    def fill_search_text(self) -> None:
        """The diacritic-free search key; bulk writes call it since they skip save()."""
        self.search_text = self.search_key(self.code, self.card_number, self.full_name)

    @staticmethod
    def search_key(code: str, card_number: str, full_name: str) -> str:
        """The search key of a member not built as an instance (a roster import's new rows)."""
        return fold(f"{code} {card_number} {full_name}")

    def save(self, *args, **kwargs):
        self.fill_search_text()
        super().save(*args, **kwargs)

    def is_probationary_on(self, day: datetime.date) -> bool:
        """Probationary (dự bị) from joining until the day they became a full member."""
        return self.joined_on <= day and (self.full_member_on is None or day < self.full_member_on)

    @property
    def must_add_action_plan(self) -> bool:
        """Leaders and committee members add a personal action plan to their written report."""
        return self.is_leader or bool(self.committee_role)


class MemberPlacementQuerySet(ScopedQuerySet):
    def scope_filter(self, path):
        return path_q("unit__path", path)


class MemberPlacement(models.Model):
    """A period a member belonged to a unit; transfers close one period and open the next."""

    member = models.ForeignKey(
        Member, verbose_name="đảng viên", on_delete=models.CASCADE, related_name="placements"
    )
    unit = models.ForeignKey(
        "sessions_app.Organisation",
        verbose_name="chi bộ",
        on_delete=models.PROTECT,
        related_name="placements",
    )
    started_on = models.DateField("từ ngày")
    ended_on = models.DateField("đến ngày (chuyển đi)", null=True, blank=True)

    objects = MemberPlacementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "quá trình sinh hoạt"
        verbose_name_plural = "quá trình sinh hoạt"
        ordering = ["member", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gt=F("started_on")),
                name="placement_dates_in_order",
                violation_error_message="Ngày chuyển đi phải sau ngày bắt đầu sinh hoạt.",
            ),
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(ended_on__isnull=True),
                name="placement_one_open_per_member",
                violation_error_message="Đảng viên đang sinh hoạt ở một chi bộ khác; hãy chuyển sinh hoạt.",
            ),
        ]

    def __str__(self):
        end = self.ended_on.strftime("%d/%m/%Y") if self.ended_on else "nay"
        return f"{self.unit} ({self.started_on:%d/%m/%Y} – {end})"

    def covers(self, day: datetime.date) -> bool:
        """Whether the member belonged to this unit on that day (the end day is already elsewhere)."""
        return self.started_on <= day and (self.ended_on is None or day < self.ended_on)


class ExemptionQuerySet(ScopedQuerySet):
    def scope_filter(self, path):
        return path_q("member__unit__path", path)


class Exemption(models.Model):
    """A period a member is exempted from activity (miễn công tác và sinh hoạt đảng)."""

    member = models.ForeignKey(
        Member, verbose_name="đảng viên", on_delete=models.CASCADE, related_name="exemptions"
    )
    started_on = models.DateField("từ ngày")
    ended_on = models.DateField("đến ngày", null=True, blank=True)
    reason = models.CharField("lý do", max_length=300, blank=True)

    objects = ExemptionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "miễn công tác và sinh hoạt đảng"
        verbose_name_plural = "miễn công tác và sinh hoạt đảng"
        ordering = ["member", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="exemption_dates_in_order",
                violation_error_message="Ngày kết thúc miễn sinh hoạt không được trước ngày bắt đầu.",
            ),
        ]

    def __str__(self):
        return f"{self.member} – miễn từ {self.started_on:%d/%m/%Y}"

    def covers(self, day: datetime.date) -> bool:
        """Whether the exemption applies on that day (both ends included)."""
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)
