"""``aims.reversing.reverse`` gives what Django's ``reverse`` gives, for every named URL
of the portal, under a script prefix too, and refuses what Django refuses."""

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver
from django.urls import reverse as django_reverse
from django.urls.base import set_script_prefix

from aims.reversing import reverse


def _names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def _either(func, name, args):
    try:
        return func(name, args=args)
    except (NoReverseMatch, TypeError) as refusal:
        return type(refusal)


NAMES = sorted(set(_names(get_resolver().url_patterns)))


def test_the_portal_has_record_pages_to_check():
    assert {"risk:risk_detail", "registry:aisystem_detail"} <= set(NAMES)


@pytest.mark.parametrize("prefix", ["/", "/portal/"])
def test_every_named_url_reverses_as_django_does(prefix):
    set_script_prefix(prefix)
    try:
        for name in NAMES:
            for args in ([42], [0], [-3], ["A.2.2"], [1, 2], None):
                assert _either(reverse, name, args) == _either(
                    django_reverse, name, args
                ), (name, args)
    finally:
        set_script_prefix("/")


def test_a_record_page_gets_its_key():
    assert reverse("risk:risk_detail", args=[7]) == "/risks/7/"
    assert reverse("risk:risk_detail", args=[12345]) == "/risks/12345/"
