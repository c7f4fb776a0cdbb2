"""The gap report pack: certification readiness as it stands, in one PDF.

The same computation as the readiness page (``aims.readiness.compute``): blockers
first, readiness per clause and per Annex A domain (the page's SVG bars), every gap
with its owner and the action that closes it, then every requirement with its basis.
Blocker titles are printed only where the requester may see the record.
"""

from aims.models import GapReport
from aims.readiness import compute, gap_rows, visible_blockers
from aims.readiness_charts import bar_chart

from ..registry import PackContent, PackKind, Section

__all__ = ["GapReportPackKind"]


class GapReportPackKind(PackKind):
    key = "gap_report"
    title = "Gap report pack"
    description = (
        "Certification readiness of the whole AIMS: blockers, readiness per clause and "
        "Annex A domain, every gap with its owner and the action that closes it."
    )
    target_model = None
    requires = ((GapReport, "view"),)
    sections = (
        Section("blockers", "Blockers", "audit/packs/gap_report/blockers.html"),
        Section("readiness", "Readiness", "audit/packs/gap_report/readiness.html"),
        Section("gaps", "Gaps", "audit/packs/gap_report/gaps.html"),
        Section(
            "requirements",
            "Every requirement",
            "audit/packs/gap_report/requirements.html",
        ),
    )

    def build(self, pack, target, parameters: dict) -> PackContent:
        report = compute()
        return PackContent(
            context={
                "report": report,
                "blockers": visible_blockers(report, pack.requested_by),
                "gaps": gap_rows(report),
                # Links inside the PDF lead to the requirement list of the same file.
                "clause_chart": bar_chart(report.clause_groups, "#"),
                "annex_chart": bar_chart(report.annex_groups, "#"),
                "clause_percent": report.percent("clause"),
                "annex_percent": report.percent("annex_a"),
                "counts": report.counts(),
            }
        )
