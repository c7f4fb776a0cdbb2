"""``model_urls()``: the standard paths of a record type, so no app writes them by hand."""

from django.urls import path

from .generic import ObjectChangeLogView, ObjectTabView


def model_urls(
    model,
    *,
    list,  # noqa: A002
    detail,
    edit=None,
    delete=None,
    add=None,
    history=ObjectChangeLogView,
    tab=ObjectTabView,
    prefix: str = "",
):
    """The list, add, detail, edit, delete, history and tab paths of ``model``, named
    ``<model>_<action>``, under ``prefix`` (e.g. ``"findings/"``).

    ``add`` defaults to the edit view. A record kept as made (an evidence pack: asked
    for, never edited) passes ``edit=None``/``delete=None`` and its own ``add``;
    ``history=None``/``tab=None`` leave those paths out."""
    name = model._meta.model_name
    add = add or edit
    views = [
        ("", list, "list"),
        ("add/", add, "add"),
        ("<int:pk>/", detail, "detail"),
        ("<int:pk>/edit/", edit, "edit"),
        ("<int:pk>/delete/", delete, "delete"),
    ]
    if history is not None:
        views.append(
            (
                "<int:pk>/history/",
                type(
                    f"{model.__name__}ChangeLogView",
                    (history,),
                    {"queryset": model.objects.all()},
                ),
                "history",
            )
        )
    if tab is not None:
        # Tabs other apps add to this record's pages (aims.record_tabs).
        views.append(
            (
                "<int:pk>/tab/<slug:tab>/",
                type(
                    f"{model.__name__}TabView",
                    (tab,),
                    {"queryset": detail.queryset.all()},
                ),
                "tab",
            )
        )
    return [
        path(f"{prefix}{route}", view.as_view(), name=f"{name}_{action}")
        for route, view, action in views
        if view is not None
    ]
