"""State for close-out tests: an awarded organization in a cohort, files."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from applications.models import Award
from cohorts.models import CohortMember
from cohorts.year import services as year_services
from tests import factories
from tests.cohorts import year_factories as yf

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 64


def docx_bytes(*, macros: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00")
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


class Awarded:
    """An organization awarded in a cohort: its award, its primary contact
    (a mentee who signs), its mentor."""

    def __init__(self, *, status=Award.Status.ACCEPTED, mentorship=None):
        mentorship, mentor, (member,) = yf.cohort(1, mentorship=mentorship)
        award = member.award
        Award.objects.filter(pk=award.pk).update(status=status)
        award.refresh_from_db()
        self.award = award
        self.mentorship = mentorship
        self.mentor = mentor
        self.member = member
        self.contact = member.user
        self.colleague = factories.CohortMemberFactory(
            award=award, role=CohortMember.Role.COLLEAGUE
        ).user
        self.staff = factories.StaffFactory()

    def approve_workplan(self):
        """The mentee files a one-goal plan and the mentor approves it (and
        what waits for the approval's commit runs, as after a request)."""
        with TestCase.captureOnCommitCallbacks(execute=True):
            return self._approve_workplan()

    def _approve_workplan(self):
        workplan = self.file_workplan()
        year_services.workplan_review(
            workplan=workplan, approve=True, comment="Go ahead.", by=self.mentor
        )
        return workplan

    def file_workplan(self):
        """The mentee files a one-goal plan for its mentor's review."""
        workplan = year_services.workplan_get_or_create(award=self.award)
        year_services.goal_save(
            workplan=workplan,
            title="Sign a data-sharing agreement",
            activities=[
                {
                    "title": "Draft the agreement",
                    "target_date": self.award.contract_start + dt.timedelta(days=60),
                }
            ],
            by=self.contact,
        )
        year_services.workplan_submit(workplan=workplan, by=self.contact)
        return workplan
