"""``model_urls()``: the standard paths of a record type, so no app writes them by hand."""

from django.urls import path

from .generic import ObjectChangeLogView, ObjectTabView


def model_urls(
    model,
    *,
    list,  # noqa: A002
    detail,
    edit,
    delete,
    history=ObjectChangeLogView,
    tab=ObjectTabView,
):
    name = model._meta.model_name
    history_view = type(
        f"{model.__name__}ChangeLogView", (history,), {"queryset": model.objects.all()}
    )
    tab_view = type(
        f"{model.__name__}TabView", (tab,), {"queryset": detail.queryset.all()}
    )
    return [
        path("", list.as_view(), name=f"{name}_list"),
        path("add/", edit.as_view(), name=f"{name}_add"),
        path("<int:pk>/", detail.as_view(), name=f"{name}_detail"),
        path("<int:pk>/edit/", edit.as_view(), name=f"{name}_edit"),
        path("<int:pk>/delete/", delete.as_view(), name=f"{name}_delete"),
        path("<int:pk>/history/", history_view.as_view(), name=f"{name}_history"),
        # Tabs other apps add to this record's pages (aims.record_tabs).
        path("<int:pk>/tab/<slug:tab>/", tab_view.as_view(), name=f"{name}_tab"),
    ]
