"""Registry libraries: AI roles from the reference file, data categories from ours."""

import json
from pathlib import Path

from django.utils.text import slugify

from aims.reference import sync_record

from .models import AIRole, DataCategory

DATA_CATEGORIES_FILE = Path(__file__).parent / "data" / "data_categories.json"


def load_reference(reference: dict) -> int:
    changed = 0
    for item in reference["iso22989_ai_roles"]["iso42001_clause_4_1_note_roles"]:
        _, did_change = sync_record(
            AIRole,
            {"slug": slugify(item["role"])},
            {"name": item["role"], "sub_roles": item["sub_roles"]},
        )
        changed += did_change
    for item in json.loads(DATA_CATEGORIES_FILE.read_text()):
        values = {k: item[k] for k in ("name", "is_personal", "is_special_category")}
        _, did_change = sync_record(DataCategory, {"slug": item["slug"]}, values)
        changed += did_change
    return changed
