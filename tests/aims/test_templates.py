"""Guards over every template: display filters used the way Django reads them."""

import re
from pathlib import Path

from django.conf import settings

# yesno takes "yes,no" or "yes,no,maybe": a comma inside a label splits it.
FILTER_ARGUMENT_PARTS = {"yesno": 3, "pluralize": 2}
FILTER_WITH_ARGUMENT = re.compile(r"\|(\w+):\"([^\"]*)\"")


def every_template():
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    roots += [
        Path(settings.BASE_DIR) / app
        for app in (
            "aims",
            "registry",
            "risk",
            "controls",
            "audit",
            "impact",
            "governance",
            "incidents",
        )
    ]
    for root in roots:
        yield from root.rglob("*.html")
        yield from root.rglob("*.txt")


def test_display_filters_get_no_more_choices_than_they_read():
    misuses = []
    for path in every_template():
        for line_number, line in enumerate(path.read_text().splitlines(), 1):
            for name, argument in FILTER_WITH_ARGUMENT.findall(line):
                limit = FILTER_ARGUMENT_PARTS.get(name)
                if limit and len(argument.split(",")) > limit:
                    misuses.append(f'{path}:{line_number}: |{name}:"{argument}"')
    assert not misuses, "A comma inside a label splits it:\n" + "\n".join(misuses)
