"""Every page a persona can reach reads in Vietnamese: no stock English string slips back.

The crawl starts at the admin index and the report home, follows every link inside the
app, and visits each *shape* of URL once (`/admin/sessions_app/member/7/change/` stands
for every member's page), so it stays fast as the data grows. Each add form is also
posted empty, to read the error pages.
"""

import ast
import datetime
import gettext
import html
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from sessions_app.choices import AttendanceStatus
from sessions_app.models import (
    ActionProgramme,
    Attendance,
    Inspection,
    RemediationItem,
    ReportedFact,
    SourceArticle,
    WrittenReport,
)
from tests import builders

# Django's stock English, and that of the libraries the admin uses, as users would see it.
ENGLISH = [
    "Please correct",
    "Show counts",
    "Hide counts",
    "Filter by",
    "Select an option",
    "Run",
    "Go",
    "Logout",
    "Log out",
    "Log in",
    "Welcome",
    "View site",
    "Change password",
    "Reset password",
    "Password-based",
    "Raw passwords",
    "After you've",
    "Can add",
    "Can change",
    "Can delete",
    "Can view",
    "Deleting",
    "would result",
    "Are you sure",
    "Yes, I’m sure",
    "No, take me back",
    "View selected",
    "Delete selected",
    "selected",
    "Select all",
    "Clear selection",
    "True",
    "False",
    "Forbidden",
    "Not Found",
    "Server Error",
    "Page not found",
    "Tablib",
    "Dataset",
    "Save and",
    "Save",
    "Delete",
    "Add",
    "Change",
    "History",
    "Home",
    "Search",
    "Action",
    "Actions",
    "Any date",
    "Today",
    "Past 7 days",
    "This month",
    "This year",
    "All",
    "Yes",
    "No",
    "Unknown",
    "Unknown content",
    "Recent actions",
    "My actions",
    "Documentation",
    "Permissions",
    "Groups",
    "Staff status",
    "Superuser status",
    "Active",
    "Personal info",
    "Important dates",
    "First name",
    "Last name",
    "Email address",
    "Last login",
    "Date joined",
    "Username",
    "Password",
    "Skip to main content",
    "Toggle",
    "Start typing",
    "results",
    "total",
    "Summary",
    "Objects",
    "Export",
    "Import",
    "Submit",
    "Confirm",
    "Errors",
    "Line number",
    "Close",
    "Revert",
    "Changed by",
    "Object",
    "Comment",
    "Date/time",
    "Enable",
    "Disable",
    "Bởi",  # stiff stock Vietnamese: "Bởi đơn vị" reads "by (agent)"; we say "Theo"
    "Thêm vào",  # stock "Thêm vào <model>" for Add: we say "Thêm <model>"
    "7 ngày trước",  # stock "Past 7 days": "7 ngày qua"
    "superuser",
    "Superuser",
]
_ENGLISH = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in ENGLISH) + r")(?![\w-])")

# Attributes whose text users read (hover titles, placeholders). Not `alt`: Django writes
# its icons' alt text ("True", "Search") in English with no translation hook.
_READ_ATTRS = {"title", "placeholder", "aria-label"}


class _VisibleText(HTMLParser):
    """The text a reader sees (no script or style), and the links to follow."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"script", "style", "template"}:
            self._hidden += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in _READ_ATTRS:
            if attrs.get(name):
                self.texts.append(attrs[name])
        if tag == "input" and attrs.get("type") in {"submit", "button"} and attrs.get("value"):
            self.texts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"}:
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(data.strip())


def english_in(page: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(page)
    return sorted({m for text in parser.texts for m in _ENGLISH.findall(text)})


def _links(page: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(page)
    return parser.links


def _shape(path: str) -> str:
    """One representative per kind of page: record ids and history ids become N."""
    return re.sub(r"/\d+/", "/N/", path)


# Links never followed: they end the session or change data on a GET.
_SKIP = ("/admin/logout/",)


def crawl(client, starts: list[str], seen: set | None = None) -> dict[str, list[str]]:
    """English found on each page reachable from `starts`, one page per URL shape (the
    shapes visited are left in `seen`)."""
    seen, found = set() if seen is None else seen, {}
    queue = deque(starts)
    while queue:
        url = queue.popleft()
        parts = urlsplit(url)
        shape = _shape(parts.path)
        if shape in seen or parts.path.startswith(_SKIP):
            continue
        seen.add(shape)
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append(urljoin(url, response["Location"]))
            continue
        content_type = response.get("Content-Type", "")
        if not content_type.startswith("text/html"):
            continue
        page = response.content.decode()
        english = english_in(page)
        if url.startswith("/admin/") and '<div class="breadcrumbs">' in page:  # Django 6: <ol>
            english.append("unstyled breadcrumbs")
        if english:
            found[url] = english
        for href in _links(page):
            target = urljoin(url, href)
            path = urlsplit(target).path
            if target.startswith(("/admin/", "/bao-cao/")) and not urlsplit(target).query:
                queue.append(path)
    return found


@pytest.fixture
def records(tree, roster):
    """One record of each kind in cell A1, so every page has something to show."""
    cell = tree["cell_a1"]
    article = SourceArticle.objects.create(
        code="T01", file_name="t01.txt", title="Bài thử", text="Nội dung"
    )
    document = builders.document("114-QĐ/TW", source=article)
    study = builders.session(cell, [cell], [document], title="Hội nghị quán triệt")
    Attendance.objects.create(session=study, member=roster["an"], status=AttendanceStatus.LATE)
    WrittenReport.objects.create(member=roster["an"], document=document, session=study)
    ActionProgramme.objects.create(
        unit=cell, document=document, symbol="12-CTr/ĐU", issued_on=datetime.date(2023, 9, 20)
    )
    inspection = Inspection.objects.create(
        inspecting_unit=tree["commune_a"], inspected_unit=cell, started_on=datetime.date(2024, 3, 1)
    )
    inspection.documents.set([document])
    RemediationItem.objects.create(
        inspection=inspection, description="Bổ sung biên bản", due_on=datetime.date(2024, 6, 30)
    )
    ReportedFact.objects.create(unit=cell, label="Số đảng viên", value=42, source=article)
    # A change, so that history pages show a before → after with a boolean.
    roster["an"].is_leader = False
    roster["an"].save()
    return study


PERSONAS = ["alice", "bob", "charlie", "diana", "erik", "superuser"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_a_persona_reaches_is_vietnamese(client, request, records, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    found = crawl(client, [reverse("admin:index"), reverse("reports_app:index")])
    assert not found, found


@pytest.mark.parametrize("persona", ["alice", "bob", "superuser"])
def test_the_print_view_and_the_docx_of_the_report_are_vietnamese(
    client, request, records, persona
):
    import io

    import docx

    user = request.getfixturevalue(persona)
    client.force_login(user)
    seen = set()
    assert not crawl(client, [reverse("reports_app:index")], seen)
    assert "/bao-cao/don-vi/N/in/" in seen  # the crawl reached the print view from the report
    unit = records.organiser if persona == "superuser" else user.staff_profile.unit
    page = client.get(reverse("reports_app:print", args=[unit.pk]))
    assert page.status_code == 200 and not english_in(page.content.decode())
    response = client.get(reverse("reports_app:docx", args=[unit.pk]))
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "BÁO CÁO" in texts
    assert not english_in(html.escape("\n".join(texts)))


@pytest.mark.parametrize("persona", ["alice", "diana", "superuser"])
def test_every_add_form_posted_empty_answers_in_vietnamese(client, request, records, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    found, posted = {}, 0
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        if not model_admin.has_add_permission(_request_for(user, url)):
            continue
        response = client.post(url, {})
        posted += 1
        english = english_in(response.content.decode())
        if english:
            found[url] = english
    assert posted and not found, found


def _request_for(user, url):
    from django.test import RequestFactory

    request = RequestFactory().get(url)
    request.user = user
    return request


def test_error_pages_are_vietnamese_without_debug(alice, records, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    not_found = client.get("/khong-co-trang-nay/")
    assert not_found.status_code == 404
    assert "Không tìm thấy trang" in not_found.content.decode()
    assert not english_in(not_found.content.decode())
    forbidden = client.get(reverse("admin:auth_group_changelist"))
    assert forbidden.status_code == 403
    assert "Không có quyền" in forbidden.content.decode()
    assert not english_in(forbidden.content.decode())


def test_a_record_out_of_scope_is_a_vietnamese_404_even_in_debug(client, charlie, tree, settings):
    settings.DEBUG = True
    client.force_login(charlie)
    response = client.get(reverse("reports_app:unit", args=[tree["district_a"].pk]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "Không tìm thấy trang" in page
    assert "Traceback" not in page and "URLconf" not in page
    assert not english_in(page)


def test_history_shows_a_changed_yes_no_field_as_co_and_khong(client, diana, roster):
    an = roster["an"]
    assert an.is_leader
    an.is_leader = False
    an.save()
    client.force_login(diana)
    page = client.get(reverse("admin:sessions_app_member_history", args=[an.pk]))
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", html.unescape(page.content.decode()).replace("\xa0", " "))
    assert "Cán bộ lãnh đạo, quản lý:</strong> Có → Không" in text
    assert "True" not in english_in(page.content.decode())


def test_a_bad_report_filter_names_the_field_as_the_page_labels_it(client, bob, tree):
    client.force_login(bob)
    page = client.get(
        reverse("reports_app:unit", args=[tree["district_a"].pk]), {"date_from": "31/02/2024"}
    )
    assert page.status_code == 200
    parser = _VisibleText()
    parser.feed(page.content.decode())
    assert any(t.startswith("Từ ngày: ") for t in parser.texts), parser.texts
    assert not [t for t in parser.texts if "date_from" in t]


def _po_entries(path):
    """(context, msgid, msgstr) of a .po file: enough of the format for our own catalog."""
    entries, current, key = [], {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line or line.startswith("#"):
            if "msgid" in current and current["msgid"]:
                entries.append(current)
            if not line:
                current, key = {}, None
            continue
        if line.startswith('"'):
            current[key] += ast.literal_eval(line)
            continue
        key, _, value = line.partition(" ")
        current[key] = ast.literal_eval(value)
    return entries


def test_the_compiled_catalog_matches_its_source():
    # The .mo is committed (no gettext tools needed to run the app): `make messages` after
    # editing the .po, or this fails.
    from django.conf import settings

    for name in ("django", "djangojs"):
        folder = settings.LOCALE_PATHS[0] / "vi" / "LC_MESSAGES"
        with open(folder / f"{name}.mo", "rb") as compiled:
            catalog = gettext.GNUTranslations(compiled)
        for entry in _po_entries(folder / f"{name}.po"):
            msgid = entry["msgid"]
            if "msgctxt" in entry:
                msgid = f"{entry['msgctxt']}\x04{msgid}"
            if "msgid_plural" in entry:
                assert catalog._catalog[(msgid, 0)] == entry["msgstr[0]"], msgid
            else:
                assert catalog._catalog[msgid] == entry["msgstr"], msgid
