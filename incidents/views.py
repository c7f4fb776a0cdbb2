from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from aims.permissions import can, visible_to
from aims.services import EditConflict
from aims.views import generic
from registry.models import AISystem

from .choices import IncidentStatus
from .filtersets import ConcernFilterSet, IncidentFilterSet
from .forms import (
    ConcernForm,
    ConcernResponseForm,
    IncidentCloseForm,
    IncidentForm,
    IncidentTriageForm,
    TimelineEntryForm,
)
from .models import Concern, Incident, TimelineEntry
from .services import (
    TRANSITIONS,
    concern_raise,
    concern_respond,
    incident_close,
    incident_save,
    incident_transition,
    incident_triage,
    may_triage,
    timeline_entry_delete,
    timeline_entry_save,
)
from .tables import ConcernTable, IncidentTable

INCIDENT_FIELDSETS = [
    (
        "What happened",
        ["reference", "ai_system", "title", "description", "severity", "status"],
    ),
    ("Who was affected", ["affected_persons", "harm"]),
    ("Handling", ["handler", "reported_by"]),
    (
        "Investigation and closure",
        ["root_cause", "corrective_actions", "closure_summary"],
    ),
]


def _may_report(user) -> bool:
    """Anyone who may see at least one AI system may report incidents."""
    return visible_to(AISystem.objects.all(), user).exists()


class IncidentListView(generic.ObjectListView):
    queryset = Incident.objects.select_related("ai_system", "handler")
    filterset_class = IncidentFilterSet
    table_class = IncidentTable

    def base_context(self, **extra):
        context = super().base_context(**extra)
        context["can_add"] = _may_report(self.request.user)
        return context


class IncidentDetailView(generic.ObjectDetailView):
    queryset = Incident.objects.select_related(
        "ai_system", "handler", "reported_by", "triaged_by"
    )
    fieldsets = INCIDENT_FIELDSETS

    def get_extra_context(self, incident):
        from risk.models import Risk

        user = self.request.user
        may_change = can(user, "change", incident)
        triage = may_triage(user)
        return {
            "timeline": incident.timeline.select_related("created_by"),
            "linked_risks": visible_to(incident.risks.all(), user, "view"),
            "may_change": may_change,
            "may_triage": triage and incident.status != IncidentStatus.CLOSED,
            "may_close": triage and incident.status == IncidentStatus.RESOLVED,
            "transitions": [
                (status, IncidentStatus(status).label)
                for status in TRANSITIONS.get(incident.status, ())
            ]
            if may_change
            else [],
            "risk_model": Risk,
        }


class IncidentEditView(generic.ObjectEditView):
    queryset = Incident.objects.select_related("ai_system")
    form_class = IncidentForm

    def new_object(self, **kwargs):
        if not _may_report(self.request.user):
            raise PermissionDenied("You may not see any AI system to report on.")
        return Incident()

    def get_initial(self):
        system = self.request.GET.get("ai_system", "")
        return {"ai_system": system if system.isdigit() else None}

    def save(self, form):
        return incident_save(
            incident=form.instance,
            actor=self.request.user,
            m2m=form.m2m_data(),
            expected_version=form.cleaned_data.get("_version"),
        )


class IncidentDeleteView(generic.ObjectDeleteView):
    queryset = Incident.objects.all()


class _IncidentActionView(View):
    def get_incident(self, pk) -> Incident:
        return get_object_or_404(
            visible_to(Incident.objects.select_related("ai_system"), self.request.user),
            pk=pk,
        )


class IncidentTriageView(_IncidentActionView):
    template_name = "incidents/incident_triage.html"

    def dispatch(self, request, *args, **kwargs):
        if not may_triage(request.user):
            raise PermissionDenied(
                "Only AIMS managers and the committee triage incidents."
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        incident = self.get_incident(pk)
        form = IncidentTriageForm(
            initial={
                "is_serious": "true" if incident.is_serious else "false",
                "serious_limbs": incident.serious_limbs,
                "involves_death": incident.involves_death,
                "widespread_infringement": incident.widespread_infringement,
                "severity": incident.severity,
                "handler": incident.handler_id,
                "rationale": incident.triage_rationale,
                "_version": incident.version,
            }
        )
        return render(request, self.template_name, {"incident": incident, "form": form})

    def post(self, request, pk):
        incident = self.get_incident(pk)
        form = IncidentTriageForm(request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                incident_triage(
                    incident=incident,
                    actor=request.user,
                    is_serious=data["is_serious"],
                    serious_limbs=data["serious_limbs"],
                    involves_death=data["involves_death"],
                    widespread_infringement=data["widespread_infringement"],
                    severity=data["severity"],
                    handler=data["handler"],
                    rationale=data["rationale"],
                    expected_version=data.get("_version"),
                )
            except EditConflict as exc:
                form.add_error(None, str(exc))
                status = 409
            except ValidationError as exc:
                generic._add_validation_errors(form, exc)
            else:
                messages.success(request, f"Triage of {incident.reference} recorded.")
                return redirect(incident.get_absolute_url())
            incident.refresh_from_db()
        return render(
            request,
            self.template_name,
            {"incident": incident, "form": form},
            status=status,
        )


class IncidentTransitionView(_IncidentActionView):
    def post(self, request, pk):
        incident = self.get_incident(pk)
        if not can(request.user, "change", incident):
            raise PermissionDenied("You may not change this incident.")
        try:
            incident_transition(
                incident=incident,
                to_status=request.POST.get("status", ""),
                actor=request.user,
            )
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(
                request,
                f"{incident.reference} is now {incident.get_status_display().lower()}.",
            )
        return redirect(incident.get_absolute_url())


class IncidentCloseView(_IncidentActionView):
    template_name = "incidents/incident_close.html"

    def dispatch(self, request, *args, **kwargs):
        if not may_triage(request.user):
            raise PermissionDenied(
                "Only AIMS managers and the committee close incidents."
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        incident = self.get_incident(pk)
        form = IncidentCloseForm(
            initial={
                "root_cause": incident.root_cause,
                "corrective_actions": incident.corrective_actions,
                "closure_summary": incident.closure_summary,
                "_version": incident.version,
            }
        )
        return render(request, self.template_name, {"incident": incident, "form": form})

    def post(self, request, pk):
        incident = self.get_incident(pk)
        form = IncidentCloseForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                incident_close(
                    incident=incident,
                    actor=request.user,
                    root_cause=form.cleaned_data["root_cause"],
                    corrective_actions=form.cleaned_data["corrective_actions"],
                    closure_summary=form.cleaned_data["closure_summary"],
                    expected_version=form.cleaned_data.get("_version"),
                )
            except EditConflict as exc:
                form.add_error(None, str(exc))
                status = 409
            except ValidationError as exc:
                generic._add_validation_errors(form, exc)
            else:
                messages.success(request, f"{incident.reference} closed.")
                return redirect(incident.get_absolute_url())
            incident.refresh_from_db()
        return render(
            request,
            self.template_name,
            {"incident": incident, "form": form},
            status=status,
        )


class TimelineEntryEditView(generic.ObjectEditView):
    """Add (under /incidents/<incident>/timeline/add/) or edit a timeline entry."""

    queryset = TimelineEntry.objects.select_related("incident")
    form_class = TimelineEntryForm

    def new_object(self, incident_pk):
        incident = get_object_or_404(
            visible_to(Incident.objects.all(), self.request.user), pk=incident_pk
        )
        if not can(self.request.user, "change", incident):
            raise PermissionDenied("You may not change this incident's timeline.")
        return TimelineEntry(incident=incident)

    def get_initial(self):
        kind = self.request.GET.get("kind", "")
        return {"kind": kind} if kind else {}

    def save(self, form):
        return timeline_entry_save(
            entry=form.instance,
            actor=self.request.user,
            expected_version=form.cleaned_data.get("_version"),
        )


class TimelineEntryDeleteView(generic.ObjectDeleteView):
    queryset = TimelineEntry.objects.select_related("incident")

    def post(self, request, pk):
        entry = self.get_object(pk=pk)
        url = entry.incident.get_absolute_url()
        timeline_entry_delete(entry=entry, actor=request.user)
        messages.success(request, "Deleted the timeline entry.")
        return redirect(url)


# Concerns (A.3.3)


class ConcernListView(generic.ObjectListView):
    queryset = Concern.objects.select_related("ai_system")
    filterset_class = ConcernFilterSet
    table_class = ConcernTable

    def base_context(self, **extra):
        context = super().base_context(**extra)
        context["can_add"] = True  # any signed-in user may raise a concern
        return context


class ConcernDetailView(generic.ObjectDetailView):
    queryset = Concern.objects.select_related("ai_system", "reporter")
    fieldsets = [
        ("Concern", ["reference", "ai_system", "subject", "description"]),
        ("Outcome", ["status", "response", "responded_at"]),
    ]

    def get_extra_context(self, concern):
        return {"reporter_shown": concern.reporter_shown_to(self.request.user)}


class ConcernEditView(generic.ObjectEditView):
    queryset = Concern.objects.select_related("ai_system")

    def new_object(self, **kwargs):
        return Concern()  # any signed-in user may raise a concern

    def get_form(self, obj, data=None):
        self.form_class = ConcernResponseForm if obj.pk else ConcernForm
        return super().get_form(obj, data)

    def get_initial(self):
        system = self.request.GET.get("ai_system", "")
        return {"ai_system": system if system.isdigit() else None}

    def save(self, form):
        if form.instance.pk is None:
            return concern_raise(concern=form.instance, actor=self.request.user)
        return concern_respond(
            concern=form.instance,
            actor=self.request.user,
            status=form.cleaned_data["status"],
            response=form.cleaned_data["response"],
            expected_version=form.cleaned_data.get("_version"),
        )


class ConcernDeleteView(generic.ObjectDeleteView):
    queryset = Concern.objects.all()
