"""Enumerations of the study log, with the Vietnamese labels users read."""

from django.db import models


class UnitKind(models.TextChoices):
    PROVINCE = "tinh", "Đảng bộ tỉnh"
    DISTRICT = "huyen", "Đảng bộ huyện, thị xã, thành phố"
    BLOC = "khoi", "Đảng bộ khối"
    GRASSROOTS_COMMITTEE = "dang_bo_co_so", "Đảng bộ cơ sở"
    GRASSROOTS_CELL = "chi_bo_co_so", "Chi bộ cơ sở"
    CELL = "chi_bo", "Chi bộ trực thuộc"


class Sector(models.TextChoices):
    COMMUNE = "xa_phuong", "Xã, phường, thị trấn"
    AGENCY = "co_quan", "Cơ quan"
    ENTERPRISE = "doanh_nghiep", "Doanh nghiệp"
    SCHOOL = "truong_hoc", "Trường học"
    ARMED_FORCES = "luc_luong_vu_trang", "Lực lượng vũ trang"
    MIXED = "tong_hop", "Tổng hợp"
    OTHER = "khac", "Khác"


class Gender(models.TextChoices):
    MALE = "nam", "Nam"
    FEMALE = "nu", "Nữ"


class CommitteeRole(models.TextChoices):
    NONE = "", "Không"
    SECRETARY = "bi_thu", "Bí thư"
    DEPUTY_SECRETARY = "pho_bi_thu", "Phó Bí thư"
    STANDING_MEMBER = "uy_vien_btv", "Ủy viên Ban Thường vụ"
    COMMITTEE_MEMBER = "cap_uy_vien", "Cấp ủy viên"


class MemberStatus(models.TextChoices):
    ACTIVE = "dang_sinh_hoat", "Đang sinh hoạt"
    TRANSFERRED_OUT = "da_chuyen_di", "Đã chuyển sinh hoạt đi"


class DocumentKind(models.TextChoices):
    RESOLUTION = "NQ", "Nghị quyết"
    DIRECTIVE = "CT", "Chỉ thị"
    CONCLUSION = "KL", "Kết luận"
    REGULATION = "QĐ", "Quy định"
    GUIDANCE = "HD", "Hướng dẫn"
    PLAN = "KH", "Kế hoạch"
    THEME = "CĐ", "Chuyên đề"


class Audience(models.TextChoices):
    KEY_CADRES = "can_bo_chu_chot", "Cán bộ chủ chốt"
    PRESENTERS = "bao_cao_vien", "Báo cáo viên, cộng tác viên dư luận xã hội"
    ALL_MEMBERS = "toan_the_dang_vien", "Toàn thể đảng viên"
    MASS_ORGANISATIONS = "doan_vien_hoi_vien", "Đoàn viên, hội viên"


class SessionFormat(models.TextChoices):
    IN_PERSON = "truc_tiep", "Trực tiếp"
    ONLINE = "truc_tuyen", "Trực tuyến"
    HYBRID = "ket_hop", "Kết hợp trực tiếp và trực tuyến"
    RADIO = "phat_thanh", "Phát thanh"


class AttendanceStatus(models.TextChoices):
    PRESENT = "co_mat", "Có mặt"
    LATE = "di_muon", "Đi muộn"
    ABSENT_EXCUSED = "vang_co_ly_do", "Vắng có lý do"
    ABSENT_UNEXCUSED = "vang_khong_ly_do", "Vắng không lý do"

    @classmethod
    def attended_values(cls) -> list[str]:
        """Statuses that count towards the participation rate."""
        return [cls.PRESENT, cls.LATE]

    @property
    def counts_as_attended(self) -> bool:
        return self in (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


class ReportStatus(models.TextChoices):
    NOT_SUBMITTED = "chua_nop", "Chưa nộp"
    SUBMITTED = "da_nop", "Đã nộp, chờ chấm"
    PASSED = "dat", "Đạt"
    REVISION_REQUESTED = "yeu_cau_sua", "Yêu cầu viết lại"
    FAILED = "khong_dat", "Không đạt"


class ReportRating(models.TextChoices):
    """The grade a reviewer gives a written report; "Không đạt" fails it, the others pass it."""

    GOOD = "tot", "Tốt"
    FAIR = "kha", "Khá"
    PASS = "dat", "Đạt"
    FAIL = "khong_dat", "Không đạt"

    @classmethod
    def passing_values(cls) -> list[str]:
        return [cls.GOOD, cls.FAIR, cls.PASS]


class ReportFileKind(models.TextChoices):
    """File formats a written report may be handed in as, recognised by their content."""

    DOCX = "docx", "Word (.docx)"
    PDF = "pdf", "PDF (.pdf)"
    ODT = "odt", "OpenDocument (.odt)"
    TXT = "txt", "Văn bản thuần (.txt)"


class CopySource(models.TextChoices):
    OTHER_REPORT = "bai_khac", "Bài thu hoạch khác"
    DOCUMENT_TEXT = "van_ban", "Nội dung văn bản"


class CopyFlagStatus(models.TextChoices):
    OPEN = "cho_xem_xet", "Chờ xem xét"
    DISMISSED = "bo_qua", "Đã bỏ qua"


class InspectionActivity(models.TextChoices):
    INSPECTION = "kiem_tra", "Kiểm tra"
    SUPERVISION = "giam_sat", "Giám sát"


class InspectionKind(models.TextChoices):
    ROUTINE = "thuong_xuyen", "Thường xuyên"
    THEMATIC = "chuyen_de", "Chuyên đề"


class StaffRole(models.TextChoices):
    DATA_ENTRY = "nhap_lieu", "Cán bộ nhập liệu"
    MANAGER = "quan_ly", "Cán bộ quản lý (chỉ xem)"
    UNIT_ADMIN = "quan_tri_don_vi", "Quản trị đơn vị"
