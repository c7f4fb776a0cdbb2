"""Which documented-information items a controlled document may hold (ISO/IEC 42001 asks
for some processes and criteria to be maintained as documents: the risk treatment
process, the responsible development and use processes, ...). The list is data
(``data/document_items.json``); titles come from the reference file."""

import json
from functools import cache
from pathlib import Path

from aims.documented_information import reference_items

_DATA = Path(__file__).resolve().parent / "data" / "document_items.json"


@cache
def document_item_ids() -> tuple[str, ...]:
    return tuple(json.loads(_DATA.read_text())["items"])


@cache
def document_item_choices() -> tuple[tuple[str, str], ...]:
    """(item id, "DI-05 AI risk treatment process (6.1.3)") in the file's order."""
    titles = {
        item["id"]: f"{item['id']} {item['title']} ({item['clause_or_control']})"
        for item in reference_items()
    }
    return tuple((item_id, titles[item_id]) for item_id in document_item_ids())


def item_label(item_id: str) -> str:
    return dict(document_item_choices()).get(item_id, item_id)
