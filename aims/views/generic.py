"""Generic list, detail, edit, delete and history views that every app configures.

Each view restricts its queryset with ``aims.permissions.visible_to``: an object the user
may not see is a 404; an action they may not take on an object they can see is a 403.
"""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import ProtectedError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import select_template
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django_tables2 import RequestConfig

from aims import exports, record_tabs
from aims.counting import CachedCountPaginator
from aims.models import ObjectChange
from aims.permissions import can, permitted_actions, visible_to
from aims.services import EditConflict, change_log_head, object_delete, object_save
from aims.tables import CHOOSER_PARAMS, chooser_query, configure_columns

from .change_log import attach_record_links, entries_visible_on_record
from .display import fieldset_rows

__all__ = [
    "BaseObjectView",
    "ObjectChangeLogView",
    "ObjectTabView",
    "ObjectDeleteView",
    "ObjectDetailView",
    "ObjectEditView",
    "ObjectListView",
    "ObjectTransitionView",
]


def _meta_names(model):
    return model._meta.app_label, model._meta.model_name


class BaseObjectView(View):
    queryset = None
    action = "view"
    template_name = None
    generic_template = None

    @property
    def model(self):
        return self.queryset.model

    def get_queryset(self):
        return visible_to(self.queryset.all(), self.request.user, "view")

    def get_object(self, **kwargs):
        obj = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        if self.action != "view" and not can(self.request.user, self.action, obj):
            raise PermissionDenied(
                f"You may not {self.action} this {self.model._meta.verbose_name}."
            )
        return obj

    def get_template_names(self):
        if self.template_name:
            return [self.template_name]
        app_label, model_name = _meta_names(self.model)
        suffix = self.generic_template.split("_", 1)[1]
        return [
            f"{app_label}/{model_name}_{suffix}",
            f"generic/{self.generic_template}",
        ]

    def base_context(self, **extra):
        app_label, model_name = _meta_names(self.model)
        return {
            "model": self.model,
            "verbose_name": self.model._meta.verbose_name,
            "verbose_name_plural": self.model._meta.verbose_name_plural,
            "url_prefix": f"{app_label}:{model_name}",
            "can_add": can(self.request.user, "add", self.model),
            **extra,
        }

    def record_context(self, obj, active_tab: str) -> dict:
        """What every page of one record shows in its header: actions and tabs."""
        return {
            "object": obj,
            "permitted": permitted_actions(self.request.user, obj),
            "active_tab": active_tab,
            "record_tabs": record_tabs.tabs_for(self.model, self.request.user, obj),
            "record_actions": record_tabs.actions_for(self.request, obj),
            "record_alerts": record_tabs.alerts_for(self.request, obj),
        }

    def render(self, context, status=200):
        template = select_template(self.get_template_names())
        return render(self.request, template.template.name, context, status=status)


def background_request(user, params) -> HttpRequest:
    """A GET request of ``user`` with the query ``params``, for reading a page's rows
    outside a request (background exports): filter sets read the user from it."""
    request = HttpRequest()
    request.method = "GET"
    request.GET = params
    request.user = user
    return request


class ObjectListView(BaseObjectView):
    """Filterable, sortable, paginated list with CSV/XLSX export of the filtered rows."""

    generic_template = "object_list.html"
    filterset_class = None
    table_class = None
    exporter = None  # an aims.exports.Exporter
    # The key of the list in aims.exports.register_list: it can be exported by a
    # background job (large registers), with the page's filters.
    export_key = None
    per_page = 25
    # False for records added from their parent's page (a finding from its audit): the
    # list then offers no "Add" button that could only fail.
    addable = True

    def filtered_rows(self, request):
        queryset = self.get_queryset()
        filterset = self.filterset_class(
            request.GET or None, queryset=queryset, request=request
        )
        return filterset, filterset.qs

    @classmethod
    def export_rows(cls, user, params):
        """The rows this page shows ``user`` with the filters in ``params``: what a
        background export of it writes."""
        request = background_request(user, params)
        view = cls()
        view.setup(request)
        return view.filtered_rows(request)[1]

    def get(self, request):
        filterset, rows = self.filtered_rows(request)
        export_format = request.GET.get("export")
        if export_format and self.exporter is not None:
            if export_format not in exports.FORMATS:
                raise Http404("Unknown export format")
            return self.exporter.response(
                rows,
                export_format,
                self.model._meta.verbose_name_plural,
                user=request.user,
            )
        # Configured once, below: a request given to the constructor would paginate
        # (and count) with the default paginator first.
        table = self.table_class(rows)
        RequestConfig(
            request,
            paginate={
                "per_page": self.per_page,
                "paginator_class": CachedCountPaginator,
            },
        ).configure(table)
        column_choices = configure_columns(table, request)
        query = request.GET.copy()
        for key in CHOOSER_PARAMS:
            query.pop(key, None)
        return self.render(
            self.base_context(
                filterset=filterset,
                table=table,
                column_choices=column_choices,
                can_add=self.addable and can(request.user, "add", self.model),
                columns_chosen=table.columns_chosen,
                chooser_query=chooser_query(request),
                export_formats=exports.FORMATS if self.exporter else (),
                background_export_url=exports.background_url(self.export_key),
                export_key=self.export_key,
                query=query.urlencode(),
                **self.get_extra_context(rows),
            )
        )

    def get_extra_context(self, rows) -> dict:
        """More context for the list page, computed from the filtered rows."""
        return {}


class ObjectDetailView(BaseObjectView):
    generic_template = "object_detail.html"
    fieldsets: list[tuple[str, list[str]]] = []

    def get_extra_context(self, obj) -> dict:
        return {}

    def get(self, request, pk):
        obj = self.get_object(pk=pk)
        panels = []
        for panel in record_tabs.panels_for(self.model):
            panel_context = panel.context(request, obj)
            if panel_context is not None:
                panels.append((panel, panel_context))
        return self.render(
            self.base_context(
                fieldsets=fieldset_rows(obj, self.fieldsets),
                panels=panels,
                lifecycle_warnings=record_tabs.warnings_for(obj),
                **self.record_context(obj, "details"),
                **self.get_extra_context(obj),
            )
        )


class ObjectTabView(BaseObjectView):
    """A tab another app added to the record's pages (``aims.record_tabs``)."""

    template_name = "generic/object_tab.html"

    def get(self, request, pk, tab):
        obj = self.get_object(pk=pk)
        record_tab = record_tabs.tab_for(self.model, tab)
        if record_tab is None or not record_tab.visible(request.user, obj):
            raise Http404("No such tab")
        return self.render(
            self.base_context(
                tab=record_tab,
                tab_context=record_tab.context(request, obj),
                **self.record_context(obj, record_tab.key),
            )
        )


class ObjectEditView(BaseObjectView):
    """Add or edit one record through the app's service (``save()``), optimistic-locked.

    The form carries the version the editor loaded; when someone saved since, the editor
    keeps their input and sees what changed instead of overwriting it.
    """

    generic_template = "object_edit.html"
    form_class = None

    def get_object(self, **kwargs):
        if "pk" not in kwargs:
            return self.new_object(**kwargs)
        self.action = "change"
        return super().get_object(**kwargs)

    def new_object(self, **kwargs):
        """The unsaved record an add form starts from (URL kwargs other than ``pk``)."""
        if not can(self.request.user, "add", self.model):
            raise PermissionDenied(
                f"You may not add a {self.model._meta.verbose_name}."
            )
        return self.model()

    def get_form(self, obj, data=None):
        initial = (
            {"_version": obj.version, "_seen": change_log_head(obj)}
            if obj.pk
            else self.get_initial()
        )
        return self.form_class(
            data=data,
            files=self.request.FILES or None,
            instance=obj,
            initial=initial,
            user=self.request.user,
            **self.get_form_kwargs(obj),
        )

    def get_form_kwargs(self, obj) -> dict:
        return {}

    def get_initial(self) -> dict:
        return {}

    def save(self, form):
        """Persist the form; apps override this to call their service."""
        instance = form.instance
        return object_save(
            instance=instance,
            actor=self.request.user,
            m2m=form.m2m_data(),
            expected_version=form.cleaned_data.get("_version"),
        )

    def get(self, request, **kwargs):
        obj = self.get_object(**kwargs)
        return self.render(
            self.base_context(
                object=obj, form=self.get_form(obj), creating=obj.pk is None
            )
        )

    def post(self, request, **kwargs):
        obj = self.get_object(**kwargs)
        creating = obj.pk is None
        form = self.get_form(obj, data=request.POST)
        conflict, conflict_changes = None, []
        if form.is_valid():
            try:
                with transaction.atomic():
                    saved = self.save(form)
                    if not can(request.user, "view", saved):
                        # NetBox's rule: nobody creates a record they would then lose.
                        transaction.set_rollback(True)
                        raise ValidationError(
                            "After this change you could no longer see this record "
                            "(for example, you made someone else its owner). Nothing was saved."
                        )
            except EditConflict as exc:
                conflict = exc
                conflict_changes = list(
                    exc.changes_since(form.cleaned_data.get("_seen"))
                )
                form.bump_version(exc.current_version, seen=change_log_head(obj))
                form.add_error(
                    None,
                    str(exc)
                    + " Review the changes below; saving again will replace them with your values.",
                )
            except ValidationError as exc:
                _add_validation_errors(form, exc)
            except ObjectDoesNotExist as exc:
                raise Http404(str(exc)) from exc
            else:
                verb = "Created" if creating else "Saved"
                messages.success(
                    request, f"{verb} {self.model._meta.verbose_name} {saved}."
                )
                return redirect(_safe_next(request) or saved.get_absolute_url())
        if creating:
            # The rolled-back save may have given the instance a key and a reference
            # (AIS-0014); the page must not speak of a record that was never saved.
            obj.pk = None
            obj._state.adding = True
        else:
            obj.refresh_from_db()
        return self.render(
            self.base_context(
                object=obj,
                form=form,
                conflict=conflict,
                conflict_changes=conflict_changes,
                creating=creating,
            ),
            status=409 if conflict else 400,
        )


def _add_validation_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return ""


class ObjectDeleteView(BaseObjectView):
    generic_template = "object_delete.html"
    action = "delete"

    def delete(self, obj):
        object_delete(instance=obj, actor=self.request.user)

    def get(self, request, pk):
        return self.render(self.base_context(object=self.get_object(pk=pk)))

    def post(self, request, pk):
        obj = self.get_object(pk=pk)
        try:
            self.delete(obj)
        except ProtectedError as exc:
            blockers = ", ".join(sorted({str(o) for o in exc.protected_objects})[:5])
            messages.error(
                request,
                f"{obj} cannot be deleted while other records use it: {blockers}.",
            )
            return redirect(obj.get_absolute_url())
        messages.success(request, f"Deleted {self.model._meta.verbose_name} {obj}.")
        app_label, model_name = _meta_names(self.model)
        return redirect(reverse(f"{app_label}:{model_name}_list"))


class ObjectChangeLogView(BaseObjectView):
    """The History tab: every change to the record and to records that belong to it."""

    generic_template = "object_changelog.html"
    template_name = "generic/object_changelog.html"
    per_page = 50

    def get(self, request, pk):
        obj = self.get_object(pk=pk)
        entries = entries_visible_on_record(
            ObjectChange.objects.for_object(obj)
            .select_related("user", "content_type")
            .order_by("-seq"),
            obj,
            request.user,
        )
        page = Paginator(entries, self.per_page).get_page(request.GET.get("page"))
        page.object_list = attach_record_links(page.object_list, request.user)
        return self.render(
            self.base_context(page_obj=page, **self.record_context(obj, "history"))
        )


class ObjectTransitionView(BaseObjectView):
    """A button on a record's page that moves the record through its workflow (submit,
    approve, withdraw, ...) by calling one service, then returns to the record.

    Configure ``queryset``, ``service`` (the function itself; read from the class, so it is not bound), ``object_arg``
    (the keyword the service takes the record as), an optional ``form_class`` whose
    cleaned fields become further keyword arguments (``comment``, ``reason``), and
    ``success_message`` (``str.format`` with ``object``, the record the service
    returned). ``action`` is the permission checked on the record before the service
    runs; the service still enforces its own rules (four eyes, committee only), so a
    refusal there is a 403 and a rule it states about the input is a message on the
    record's page. Put ``aims.reauth.SensitiveActionMixin`` first in the bases of an
    approval.
    """

    http_method_names = ["post"]
    service = None
    object_arg = "instance"
    form_class = None
    success_message = "{object} saved."

    def service_kwargs(self, request) -> dict:
        if self.form_class is None:
            return {}
        form = self.form_class(request.POST)
        # A field that fails its own checks is passed empty: the service then says, by
        # name, what it needs (e.g. "Say why the version is withdrawn.").
        form.is_valid()
        return {
            name: form.cleaned_data.get(name, getattr(field, "empty_value", None))
            for name, field in form.fields.items()
        }

    def post(self, request, pk):
        obj = self.get_object(pk=pk)
        try:
            result = type(self).service(
                **{self.object_arg: obj},
                actor=request.user,
                **self.service_kwargs(request),
            )
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, self.success_message.format(object=result or obj))
        return redirect(_safe_next(request) or obj.get_absolute_url())
