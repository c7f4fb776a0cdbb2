"""Evidence-pack content from the controls app: the evidence index (any pack) and the
Statement of Applicability pack (ISO/IEC 42001 6.1.3 d, 7.5, Annex A)."""

from django import forms
from django.db.models import Prefetch, Q

from audit.packs.registry import EvidenceFile as ManifestFile
from audit.packs.registry import PackContent, PackKind, RecordRef, Section

from .choices import Framework, SoAStatus
from .models import Evidence, EvidenceFile, SoAVersion
from .selectors import coverage, coverage_summary, soa_rows, soa_totals


def evidence_index(evidence_qs) -> tuple[list[Evidence], list[ManifestFile]]:
    """The evidence items with their newest file, and the manifest lines of those files."""
    items = list(
        evidence_qs.select_related("owner")
        .prefetch_related(
            "controls",
            Prefetch("files", queryset=EvidenceFile.objects.order_by("-number")),
        )
        .order_by("reference")
        .distinct()
    )
    manifest = []
    for item in items:
        files = list(item.files.all())
        item.latest_file = files[0] if files else None
        if item.latest_file is not None:
            manifest.append(
                ManifestFile(
                    title=f"{item.reference} {item.title} (v{item.latest_file.number})",
                    file_name=item.latest_file.original_name,
                    sha256=item.latest_file.sha256,
                    storage_name=item.latest_file.file.name,
                    size=item.latest_file.size,
                )
            )
    return items, manifest


def system_controls_and_evidence(system, risks) -> tuple[dict, list[ManifestFile]]:
    """For the AI system pack: the controls its risks rely on, with their SoA rows, and
    the evidence linked to the system, its risks or those controls."""
    control_ids = sorted(
        {link.control_id for risk in risks for link in risk.controls.all()}
    )
    from .services import soa_current

    version = soa_current()
    rows = list(soa_rows(version).filter(control__control_id__in=control_ids))
    evidence, manifest = evidence_index(
        Evidence.objects.filter(
            Q(ai_systems=system)
            | Q(risks__in=[r.pk for r in risks])
            | Q(controls__control_id__in=control_ids)
        )
    )
    return {
        "soa_version": version,
        "control_rows": rows,
        "evidence": evidence,
    }, manifest


class SoAPackParameters(forms.Form):
    soa_version = forms.IntegerField(
        required=False,
        min_value=1,
        label="SoA version",
        help_text="Leave empty for the newest approved version (or the draft if none is approved).",
    )

    def clean_soa_version(self):
        number = self.cleaned_data.get("soa_version")
        if number is not None and not SoAVersion.objects.filter(number=number).exists():
            raise forms.ValidationError(f"There is no SoA version {number}.")
        return number


class SoAPackKind(PackKind):
    key = "soa"
    title = "Statement of Applicability pack"
    description = (
        "The Statement of Applicability (approved version by default): every control "
        "with its decision, justification, status and owner, the evidence index and the "
        "EU AI Act and NIST AI RMF coverage."
    )
    target_model = None
    requires = ((SoAVersion, "view"), (Evidence, "view"))
    parameters_form = SoAPackParameters
    sections = (
        Section("soa", "Statement of Applicability", "controls/packs/soa.html"),
        Section("evidence", "Evidence index", "controls/packs/evidence.html"),
        Section("coverage", "Crosswalk coverage", "controls/packs/coverage.html"),
    )

    @staticmethod
    def version_for(parameters: dict) -> SoAVersion:
        from .services import soa_current

        number = parameters.get("soa_version")
        if number:
            return SoAVersion.objects.get(number=number)
        approved = (
            SoAVersion.objects.filter(status=SoAStatus.APPROVED)
            .order_by("-number")
            .first()
        )
        return approved or soa_current()

    def build(self, pack, target, parameters: dict) -> PackContent:
        version = SoAVersion.objects.select_related("approved_by", "based_on").get(
            pk=self.version_for(parameters).pk
        )
        reader = pack.requested_by
        rows = list(
            soa_rows(version, reader=reader).prefetch_related(
                "control__risk_links__risk"
            )
        )
        shown = _risk_references_shown_to(reader)
        for row in rows:
            if version.is_draft:
                refs = [link.risk.reference for link in row.control.risk_links.all()]
            else:
                refs = row.risk_snapshot
            row.risk_refs = sorted(ref for ref in refs if shown(ref))
        if version.is_draft:
            evidence_qs = Evidence.objects.filter(controls__soa_entries__soa=version)
        else:
            refs = {ref for row in rows for ref in row.evidence_snapshot}
            evidence_qs = Evidence.objects.filter(reference__in=refs)
        evidence, manifest = evidence_index(evidence_qs)
        frameworks = []
        for framework, label in Framework.choices:
            items = coverage(version, framework)
            frameworks.append(
                {"label": label, "items": items, "summary": coverage_summary(items)}
            )
        return PackContent(
            context={
                "version": version,
                "rows": rows,
                "evidence": evidence,
                "frameworks": frameworks,
                "totals": soa_totals(rows),
            },
            evidence=manifest,
            records=[RecordRef(str(version), version.version)],
        )


def _risk_references_shown_to(reader):
    """A test: may the pack's requester read this risk reference? The pack lists
    only the risks its reader may see (as the SoA page counts them)."""
    from aims.permissions import perm_name, visible_to
    from risk.models import Risk

    if reader is None or reader.has_perm(perm_name(Risk, "view")):
        return lambda reference: True
    visible = set(
        visible_to(Risk.objects.all(), reader, "view").values_list(
            "reference", flat=True
        )
    )
    return visible.__contains__
