# ruff: noqa: S311, S603, S607, S608 - a local benchmark: fixed seeds, our own commands
"""Scale benchmark: the same speed for a small and a large organisation, for every role.

    .venv/bin/python bench/scale.py run                  # seed what is missing, measure, print
    .venv/bin/python bench/scale.py run --reseed         # drop and seed both databases again
    .venv/bin/python bench/scale.py seed --size large    # only seed one size
    .venv/bin/python bench/scale.py drop                 # drop both benchmark databases

Two PostgreSQL databases (``aims_scale_small`` and ``aims_scale_large`` next to the one
``DATABASE_URL`` names, or ``--small-db``/``--large-db``) are migrated and filled:

    small: 100 AI systems, 1,000 risks, 2,500 treatment actions, 100 evidence items,
           12 users with object permissions, ~10,400 change-log entries
    large: 10,000 AI systems, 100,000 risks, 250,000 treatment actions, 10,000 evidence
           items, 1,100 users with object permissions, ~1 million change-log entries

Each AI system owner holds ten systems at both sizes, so what an owner may see is the
same and only the rest of the organisation grows. The bulk mode writes the rows the
services write (records, many-to-many rows, guardian object permissions, reference
counters and one change-log entry per create, update and named event, hash-chained);
``verify_change_log`` checks the chain afterwards. ``--mode services`` seeds through
the services themselves (minutes for the small size, hours for the large one).

``run`` then starts one gunicorn per size (2 sync workers, DEBUG off, ports 8104 and
8114 unless told otherwise) and measures over HTTP, interleaving the two sizes so both
see the same machine: p50/p95 of every list page and API list as an administrator and
as an AI system owner, queries per request (counted in-process with Django's test
client against the same databases), the risk CSV's first byte and the peak memory of
the exports, and the API lists at concurrency 4 against ``/healthz``. It prints a
Markdown table (the README's) and writes ``var/bench-scale.json``; ``--explain N`` adds
the EXPLAIN ANALYZE plans of the slowest queries of the N slowest requests.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable

SIZES = {
    "small": {"systems": 100, "system_owners": 10, "risk_owners": 2},
    "large": {"systems": 10_000, "system_owners": 1_000, "risk_owners": 100},
}
# A smaller large organisation when the machine cannot seed and measure the full one
# in the time at hand (``--large-systems``, passed on to the child processes): owners
# keep ten systems each, so only the rest of the organisation shrinks.
if os.environ.get("AIMS_BENCH_LARGE_SYSTEMS"):
    _systems = int(os.environ["AIMS_BENCH_LARGE_SYSTEMS"])
    SIZES["large"] = {
        "systems": _systems,
        "system_owners": max(10, _systems // 10),
        "risk_owners": max(2, _systems // 100),
    }
RISKS_PER_SYSTEM = 10
ACTIONS_PER_RISK = 2.5
PASSWORD = "Bench-Harbour-4821"
ADMIN, OWNER = "bench-admin", "owner-0000"


# Databases and processes


def database_url(size: str, args) -> str:
    explicit = getattr(args, f"{size}_db", None)
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/aims")
    parts = urlparse(base)
    name = explicit or f"{parts.path.lstrip('/')}_{size}"
    if not name.startswith("aims"):
        name = f"aims_scale_{size}"
    return urlunparse(parts._replace(path=f"/{name}"))


def _psql(url: str, sql: str) -> str:
    parts = urlparse(url)
    admin = urlunparse(parts._replace(path="/postgres"))
    return subprocess.run(
        ["psql", admin, "-tAc", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


def db_exists(url: str) -> bool:
    name = urlparse(url).path.lstrip("/")
    return _psql(url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def db_drop(url: str) -> None:
    name = urlparse(url).path.lstrip("/")
    _psql(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def db_create(url: str) -> None:
    name = urlparse(url).path.lstrip("/")
    _psql(url, f'CREATE DATABASE "{name}"')


def child_env(url: str, **extra) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="aims.settings.base",
        DJANGO_DEBUG="0",
        SECRET_KEY="bench-scale-not-a-secret-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
        AIMS_DATA_DIR=str(ROOT / "var" / "bench-scale"),
        # The bench's administrator has no authenticator app: measure the pages, not
        # the second-factor prompt production puts before them.
        AIMS_MFA_REQUIRED_ROLES="",
        # Measured at a rate the per-user throttles would refuse (the home page draws
        # heat maps, which count against the heat-map limit).
        AIMS_HEATMAP_RATE="100000/minute",
        AIMS_EXPORT_RATE="100000/minute",
    )
    # One Redis database per size: cached permissions are keyed by user id, which the
    # two databases share.
    redis_db = 5 if url.rstrip("/").endswith("_large") else 4
    env.setdefault("REDIS_URL", f"redis://127.0.0.1:6379/{redis_db}")
    env.update(extra)
    return env


def run_child(url: str, *argv: str) -> str:
    result = subprocess.run(
        [PYTHON, __file__, *argv],
        env=child_env(url),
        check=True,
        capture_output=True,
        text=True,
    )
    sys.stderr.write(result.stderr)
    return result.stdout


# Seeding (runs in a child process with DATABASE_URL set)


def _django():
    import django

    django.setup()


class ChainWriter:
    """Appends change-log entries as ``aims.history.record_change`` does, in bulk."""

    def __init__(self, start: datetime.datetime, total: int):
        from aims.models import ObjectChange
        from aims.models.change_log import GENESIS_HASH

        head = ObjectChange.objects.order_by("-seq").values_list("seq", "hash").first()
        self.seq, self.prev = head if head else (0, GENESIS_HASH)
        # Entries of the past two years; the reference data loaded a moment ago keeps
        # its own (later) times, which the chain does not mind.
        self.time = start
        now = datetime.datetime.now(datetime.UTC)
        self.step = (now - self.time) / max(total, 1)
        self.buffer = []
        self.written = 0

    def add(
        self, instance, action, *, actor, before=None, after=None, event="", message=""
    ):
        from django.contrib.contenttypes.models import ContentType

        from aims.models import ObjectChange

        parent = instance.change_log_parent()
        self.seq += 1
        self.time += self.step
        entry = ObjectChange(
            seq=self.seq,
            time=self.time,
            user=actor,
            user_name=actor.get_username() if actor else "system",
            request_id="",
            action=action,
            event=event,
            content_type=ContentType.objects.get_for_model(
                instance, for_concrete_model=True
            ),
            object_id=str(instance.pk),
            object_repr=str(instance)[:200],
            related_content_type=(
                ContentType.objects.get_for_model(parent)
                if parent is not None
                else None
            ),
            related_object_id=str(parent.pk) if parent is not None else "",
            prechange_data=before,
            postchange_data=after,
            message=message,
            prev_hash=self.prev,
        )
        entry.hash = entry.compute_hash()
        self.prev = entry.hash
        self.buffer.append(entry)
        if len(self.buffer) >= 5000:
            self.flush()

    def create(self, instance, actor):
        self.add(instance, "create", actor=actor, after=instance.serialize())

    def flush(self):
        from aims.models import ObjectChange

        if self.buffer:
            ObjectChange.objects.bulk_create(self.buffer, batch_size=5000)
            self.written += len(self.buffer)
            self.buffer = []


def _prime(instance, name: str, objects) -> None:
    """Fill the many-to-many cache ``serialize()`` reads, as a prefetch would."""
    manager = getattr(instance, name)
    queryset = manager.model._default_manager.none()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[getattr(manager, "prefetch_cache_name", name)] = queryset


def _bulk_grant(model, pairs, actions=("view", "change")) -> None:
    """Object permissions as ``aims.permissions.grant`` writes them, for many objects."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from guardian.utils import get_user_obj_perms_model

    content_type = ContentType.objects.get_for_model(model)
    perms = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type=content_type,
            codename__in=[f"{a}_{model._meta.model_name}" for a in actions],
        )
    }
    permission_model = get_user_obj_perms_model(model)
    generic = permission_model.objects.is_generic()
    rows = []
    for user, obj in pairs:
        for action in actions:
            permission = perms[f"{action}_{model._meta.model_name}"]
            if generic:
                rows.append(
                    permission_model(
                        user=user,
                        permission=permission,
                        content_type=content_type,
                        object_pk=str(obj.pk),
                    )
                )
            else:
                rows.append(
                    permission_model(
                        user=user, permission=permission, content_object=obj
                    )
                )
    permission_model.objects.bulk_create(rows, batch_size=5000)


def seed(size: str, mode: str) -> None:
    _django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    if mode == "services":
        seed_with_services(size)
    else:
        seed_bulk(size)
    report = __import__("aims.change_log", fromlist=["verify_chain"]).verify_chain()
    if not report.ok:
        raise SystemExit(f"change log broken at {report.broken_seq}: {report.reason}")
    # Statistics and the visibility map as autovacuum leaves them after a day of use:
    # a bulk load measured before autovacuum has looked would be planned blind.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(json.dumps({"size": size, "change_log_entries": report.checked}))


def _people(spec):
    """Users with their roles, one change-log entry each (as ``accounts.user_create``)."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from aims import roles
    from aims.models import User

    groups = {g.name: g for g in Group.objects.all()}
    password = make_password(PASSWORD)
    wanted = [(ADMIN, "Ada", "Admin", [roles.ADMINISTRATOR])]
    wanted += [
        (f"owner-{i:04d}", "Owner", f"{i:04d}", [roles.AI_SYSTEM_OWNER])
        for i in range(spec["system_owners"])
    ]
    wanted += [
        (f"riskowner-{i:03d}", "Risk", f"Owner {i:03d}", [roles.RISK_OWNER])
        for i in range(spec["risk_owners"])
    ]
    users = [
        User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@example.org",
            password=password,
        )
        for username, first, last, _ in wanted
    ]
    User.objects.bulk_create(users, batch_size=2000)
    memberships = []
    for user, (_, _, _, role_names) in zip(users, wanted, strict=True):
        user_groups = [groups[name] for name in role_names]
        memberships += [
            User.groups.through(user_id=user.pk, group_id=g.pk) for g in user_groups
        ]
        _prime(user, "groups", user_groups)
        _prime(user, "user_permissions", [])
    User.groups.through.objects.bulk_create(memberships, batch_size=5000)
    return users


def seed_bulk(size: str) -> None:
    from dateutil.relativedelta import relativedelta
    from django.db import transaction
    from django.utils import timezone

    from aims.models import ReferenceCounter, Tag
    from controls.models import Control, ControlCheck, Evidence, SoAEntry
    from controls.services import soa_current, soa_entry_save
    from registry.models import AIRole, AISystem, DataCategory
    from risk.choices import ActionStatus, RiskStatus
    from risk.models import AIObjective, Risk, RiskControl, RiskSource, TreatmentAction
    from risk.services import criteria_current

    spec = SIZES[size]
    rng = random.Random(42001)
    today = timezone.localdate()
    n_systems = spec["systems"]
    n_risks = n_systems * RISKS_PER_SYSTEM
    n_actions = int(n_risks * ACTIONS_PER_RISK)
    expected_entries = 3 * n_actions + 2 * n_risks + n_systems * 2
    chain = ChainWriter(
        datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=700),
        expected_entries,
    )

    with transaction.atomic():
        users = _people(spec)
        admin = users[0]
        owners = users[1 : 1 + spec["system_owners"]]
        risk_owners = users[1 + spec["system_owners"] :]
        for user in users:
            chain.create(user, None)
        tags = [
            Tag(name=name, slug=name.lower(), created_by=admin)
            for name in ("Customer-facing", "Vendor", "Pilot")
        ]
        Tag.objects.bulk_create(tags)
        for tag in tags:
            chain.create(tag, admin)
    ai_roles = list(AIRole.objects.all()[:3])
    categories = list(DataCategory.objects.all()[:4])
    stages = ["design", "development", "deployed", "deployed", "deployed", "retired"]
    tiers = ["minimal_risk", "high_risk", "transparency", "minimal_risk"]
    with transaction.atomic():
        systems = []
        for index in range(n_systems):
            owner = owners[index // 10 % len(owners)]
            systems.append(
                AISystem(
                    reference=f"AIS-{index + 1:04d}",
                    name=f"{rng.choice(['Claims', 'Credit', 'Fraud', 'HR', 'Support'])} model {index + 1}",
                    description="Ranks incoming cases for manual review.",
                    intended_purpose="Prioritise the work; a person decides each case.",
                    business_unit=rng.choice(["Claims", "Retail", "People", "Risk"]),
                    owner=owner,
                    lifecycle_stage=stages[index % len(stages)],
                    eu_risk_tier=tiers[index % len(tiers)],
                    criticality=rng.choice(["low", "medium", "high"]),
                    next_review_date=today
                    + datetime.timedelta(days=rng.randint(-60, 300)),
                    created_by=owner,
                )
            )
        AISystem.objects.bulk_create(systems, batch_size=2000)
        through_rows = {"tags": [], "ai_roles": [], "data_categories": []}
        for index, system in enumerate(systems):
            chosen = {
                "tags": [tags[index % 3]] if index % 2 == 0 else [],
                "ai_roles": [ai_roles[index % len(ai_roles)]],
                "data_categories": categories[: 1 + index % 3],
            }
            for name, objects in chosen.items():
                field = AISystem._meta.get_field(name)
                through = field.remote_field.through
                target = field.m2m_reverse_field_name()
                through_rows[name] += [
                    through(aisystem_id=system.pk, **{f"{target}_id": o.pk})
                    for o in objects
                ]
                _prime(system, name, objects)
            chain.create(system, system.owner)
        for name, rows in through_rows.items():
            AISystem._meta.get_field(name).remote_field.through.objects.bulk_create(
                rows, batch_size=5000
            )
        _bulk_grant(AISystem, [(s.owner, s) for s in systems])
        ReferenceCounter.objects.update_or_create(
            prefix="AIS", defaults={"last": n_systems}
        )
        chain.flush()

    criteria = criteria_current()
    sources = list(RiskSource.objects.all())
    objectives = list(AIObjective.objects.all())
    control_ids = list(
        Control.objects.filter(source="annex_a").values_list("control_id", flat=True)
    ) or list(Control.objects.values_list("control_id", flat=True))
    # Primary keys are handed out here, so every record is inserted once in its final
    # state while the change log gets its create, update and event entries in order.
    next_risk_id = (
        Risk.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ) + 1
    next_action_id = (
        TreatmentAction.objects.order_by("-pk").values_list("pk", flat=True).first()
        or 0
    ) + 1
    actions_done = 0
    for start in range(0, n_risks, 10_000):
        with transaction.atomic():
            risks, links, objective_rows = [], [], []
            for index in range(start, min(start + 10_000, n_risks)):
                system = systems[index // RISKS_PER_SYSTEM] if index % 20 else None
                likelihood, impact = rng.randint(1, 5), rng.randint(1, 5)
                risk = Risk(
                    pk=next_risk_id + index,
                    reference=f"RSK-{index + 1:04d}",
                    ai_system=system,
                    title=f"Unfair outcome {index + 1} for a group of applicants",
                    description="The model may rank one group lower than others.",
                    risk_source=sources[index % len(sources)],
                    consequence="People are treated unequally; complaints and fines.",
                    owner=risk_owners[index % len(risk_owners)],
                    criteria=criteria,
                    inherent_likelihood=likelihood,
                    inherent_impact=impact,
                    status=RiskStatus.ASSESSED,
                    review_frequency=6,
                    next_review_date=today + relativedelta(months=6),
                    created_by=risk_owners[index % len(risk_owners)],
                )
                if index % 3 == 0:
                    risk.treatment = "mitigate"
                    risk.treatment_rationale = "A control lowers the likelihood."
                    risk.residual_likelihood = max(1, likelihood - 1)
                    risk.residual_impact = impact
                    risk.status = RiskStatus.TREATMENT_PLANNED
                for prefix in ("inherent", "residual"):
                    lik = getattr(risk, f"{prefix}_likelihood")
                    if lik:
                        score = criteria.score(lik, getattr(risk, f"{prefix}_impact"))
                        setattr(risk, f"{prefix}_score", score)
                        setattr(risk, f"{prefix}_level", criteria.level_for(score))
                chosen_controls = sorted(rng.sample(control_ids, 1 + index % 2))
                links += [RiskControl(risk=risk, control_id=c) for c in chosen_controls]
                _prime(
                    risk,
                    "controls",
                    [RiskControl(risk=risk, control_id=c) for c in chosen_controls],
                )
                chosen_objectives = [objectives[index % len(objectives)]]
                objective_rows += [
                    Risk.objectives.through(risk_id=risk.pk, aiobjective_id=o.pk)
                    for o in chosen_objectives
                ]
                _prime(risk, "objectives", chosen_objectives)
                chain.create(risk, risk.owner)
                risks.append(risk)

            # Treatment plans: 2.5 actions a risk, each moved on twice (planned ->
            # in progress -> done), as treatment_action_save records them.
            actions = []
            for risk in risks:
                for step in range(3 if risk.pk % 2 else 2):
                    if actions_done + len(actions) >= n_actions:
                        break
                    action = TreatmentAction(
                        pk=next_action_id + actions_done + len(actions),
                        risk=risk,
                        description=f"Step {step + 1}: retrain with balanced data",
                        owner=risk.owner,
                        due_date=today + datetime.timedelta(days=rng.randint(-30, 200)),
                        status=ActionStatus.PLANNED,
                        created_by=risk.owner,
                    )
                    actions.append(action)
                    chain.create(action, action.owner)
            for action in actions:
                before = action.serialize()
                action.status, action.version = ActionStatus.IN_PROGRESS, 2
                chain.add(
                    action,
                    "update",
                    actor=action.owner,
                    before=before,
                    after=action.serialize(),
                )
            for action in actions:
                before = action.serialize()
                done = action.pk % 2 == 0
                action.status = ActionStatus.DONE if done else ActionStatus.IN_PROGRESS
                action.completed_on = today if done else None
                action.notes = (
                    "Done; see the evidence." if done else "Waiting for data."
                )
                action.version = 3
                chain.add(
                    action,
                    "update",
                    actor=action.owner,
                    before=before,
                    after=action.serialize(),
                )
            actions_done += len(actions)

            # Reviews (risk_review): one entry, the update of the next review date
            # carrying the named event and its note (aims.history merges them).
            for risk in risks:
                for _ in range(2 if risk.pk % 3 == 0 or risk.pk % 7 == 0 else 1):
                    before = risk.serialize()
                    risk.next_review_date = today + relativedelta(
                        months=risk.review_frequency
                    )
                    risk.next_review_date -= datetime.timedelta(days=risk.pk % 200)
                    risk.version += 1
                    chain.add(
                        risk,
                        "update",
                        actor=risk.owner,
                        before=before,
                        after={**risk.serialize(), "note": ""},
                        event="risk.reviewed",
                        message=f"Risk reviewed; next review {risk.next_review_date.isoformat()}.",
                    )
            Risk.objects.bulk_create(risks, batch_size=2000)
            RiskControl.objects.bulk_create(links, batch_size=5000)
            Risk.objectives.through.objects.bulk_create(objective_rows, batch_size=5000)
            _bulk_grant(Risk, [(r.owner, r) for r in risks])
            TreatmentAction.objects.bulk_create(actions, batch_size=5000)
            chain.flush()
        print(f"{size}: {start + len(risks)} risks", file=sys.stderr, flush=True)
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [Risk, TreatmentAction]
        ):
            cursor.execute(sql)
    for prefix, last in (("RSK", n_risks),):
        ReferenceCounter.objects.update_or_create(
            prefix=prefix, defaults={"last": last}
        )

    # Evidence: one link per AI system, owned by the system's owner.
    controls = {c.control_id: c for c in Control.objects.all()}
    with transaction.atomic():
        first_risks = {
            r.ai_system_id: r
            for r in Risk.objects.filter(reference__endswith="1").only(
                "pk", "reference", "title", "ai_system_id"
            )
        }
        evidence = []
        for index, system in enumerate(systems):
            evidence.append(
                Evidence(
                    reference=f"EVD-{index + 1:04d}",
                    title=f"Bias test report {index + 1}",
                    kind="link",
                    url=f"https://wiki.example.org/evidence/{index + 1}",
                    collected_on=today - datetime.timedelta(days=index % 300),
                    valid_until=today + datetime.timedelta(days=rng.randint(-30, 365)),
                    owner=system.owner,
                    created_by=system.owner,
                )
            )
        Evidence.objects.bulk_create(evidence, batch_size=2000)
        rows = {"controls": [], "risks": [], "ai_systems": []}
        for index, (item, system) in enumerate(zip(evidence, systems, strict=True)):
            linked = {
                "controls": [controls[control_ids[index % len(control_ids)]]],
                "risks": [first_risks[system.pk]] if system.pk in first_risks else [],
                "ai_systems": [system],
            }
            for name, objects in linked.items():
                field = Evidence._meta.get_field(name)
                target = field.m2m_reverse_field_name()
                rows[name] += [
                    field.remote_field.through(
                        evidence_id=item.pk, **{f"{target}_id": o.pk}
                    )
                    for o in objects
                ]
                _prime(item, name, objects)
            chain.create(item, item.owner)
        for name, through_rows in rows.items():
            Evidence._meta.get_field(name).remote_field.through.objects.bulk_create(
                through_rows, batch_size=5000
            )
        _bulk_grant(Evidence, [(e.owner, e) for e in evidence])
        ReferenceCounter.objects.update_or_create(
            prefix="EVD", defaults={"last": len(evidence)}
        )

        # Effectiveness checks: more of them in a larger organisation.
        checks = []
        per_control = max(2, n_systems // 500)
        for control_id in control_ids:
            for number in range(per_control):
                result = "pass" if number % 5 else "partial"
                checks.append(
                    ControlCheck(
                        control=controls[control_id],
                        checked_on=today - datetime.timedelta(days=7 * number),
                        performed_by=admin,
                        result=result,
                        notes=""
                        if result == "pass"
                        else "Two samples lacked sign-off.",
                        created_by=admin,
                    )
                )
        ControlCheck.objects.bulk_create(checks, batch_size=5000)
        for check in checks:
            _prime(check, "evidence", [])
            chain.create(check, admin)
        chain.flush()

    # The SoA draft's rows: decided and owned through the service (38 rows).
    draft = soa_current()
    for index, entry in enumerate(
        SoAEntry.objects.filter(soa=draft).select_related("control", "soa")
    ):
        entry.applicable = True
        entry.justification = "Needed for the AI systems we build and run."
        entry.implementation_status = "implemented" if index % 2 else "partial"
        entry.owner = owners[index % len(owners)]
        soa_entry_save(entry=entry, actor=admin)
    _notifications([users[0], owners[0]])


def _notifications(users) -> None:
    """Forty notifications for each persona (what a reminder run leaves them)."""
    from django.utils import timezone

    from aims.models import Notification

    today = timezone.localdate()
    rows = [
        Notification(
            recipient=user,
            source="risk.review",
            object_id=str(1000 + i),
            title=f"Review RSK-{i + 1:04d}",
            url="/risks/",
            due_date=today + datetime.timedelta(days=i - 20),
            stage="overdue" if i < 20 else "due-7",
            kind="overdue" if i < 20 else "due_soon",
            reason="responsible",
            message="The review is due.",
            run_date=today,
            read_at=timezone.now() if i % 3 == 0 else None,
        )
        for user in users
        for i in range(40)
    ]
    Notification.objects.bulk_create(rows)


def seed_with_services(size: str) -> None:
    """The same organisation through the services (slow; for checking the bulk mode)."""
    from django.contrib.auth.models import Group

    from aims import accounts, roles
    from controls.models import Control, Evidence
    from controls.services import evidence_save
    from registry.models import AISystem
    from risk.models import Risk, RiskSource, TreatmentAction
    from risk.services import risk_review, risk_save, treatment_action_save

    spec = SIZES[size]
    groups = {g.name: g for g in Group.objects.all()}

    def person(name, role):
        return accounts.user_create(
            actor=None, username=name, password=PASSWORD, roles=[groups[role]]
        )

    admin = person(ADMIN, roles.ADMINISTRATOR)
    owners = [
        person(f"owner-{i:04d}", roles.AI_SYSTEM_OWNER)
        for i in range(spec["system_owners"])
    ]
    risk_owners = [
        person(f"riskowner-{i:03d}", roles.RISK_OWNER)
        for i in range(spec["risk_owners"])
    ]
    from registry.services import ai_system_save

    source = RiskSource.objects.first()
    control_ids = list(Control.objects.values_list("control_id", flat=True)[:10])
    for index in range(spec["systems"]):
        owner = owners[index // 10 % len(owners)]
        system = ai_system_save(
            system=AISystem(
                name=f"Model {index + 1}",
                intended_purpose="Prioritise the work.",
                owner=owner,
                lifecycle_stage="deployed",
            ),
            actor=owner,
        )
        for r in range(RISKS_PER_SYSTEM):
            risk_owner = risk_owners[r % len(risk_owners)]
            risk = risk_save(
                risk=Risk(
                    ai_system=system,
                    title=f"Unfair outcome {r}",
                    risk_source=source,
                    consequence="People are treated unequally.",
                    owner=risk_owner,
                    inherent_likelihood=1 + r % 5,
                    inherent_impact=1 + (r // 5) % 5,
                ),
                actor=risk_owner,
                controls=[control_ids[r % len(control_ids)]],
            )
            for step in range(2 + r % 2):
                action = treatment_action_save(
                    action=TreatmentAction(
                        risk=risk,
                        description=f"Step {step + 1}",
                        owner=risk_owner,
                        due_date=datetime.date.today() + datetime.timedelta(days=30),
                    ),
                    actor=risk_owner,
                )
                action.status = "in_progress"
                treatment_action_save(action=action, actor=risk_owner)
            risk_review(risk=risk, actor=risk_owner)
        evidence_save(
            evidence=Evidence(
                title=f"Bias test report {index + 1}",
                kind="link",
                url=f"https://wiki.example.org/{index}",
                owner=owner,
            ),
            actor=owner,
            m2m={"ai_systems": [system]},
        )
    _notifications([admin, owners[0]])


# Measuring


def sessions() -> None:
    """Print a session cookie and an API token for each persona (child process)."""
    _django()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string
    from rest_framework.authtoken.models import Token

    from aims.models import User

    store_class = import_string(settings.SESSION_ENGINE + ".SessionStore")
    out = {}
    for username in (ADMIN, OWNER):
        user = User.objects.get(username=username)
        session = store_class()
        session[SESSION_KEY] = str(user.pk)
        # The backend that signs people in with a password (the first one, django-axes,
        # only refuses locked-out attempts and loads nobody).
        session[BACKEND_SESSION_KEY] = "aims.auth_backends.PermissionCacheModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        token, _ = Token.objects.get_or_create(user=user)
        out[username] = {"session": session.session_key, "token": token.key}
    print(json.dumps(out))


# name, path, API?, personas (admin, owner); the change log is not open to owners.
REQUESTS = [
    ("register page", "/register/", False, (ADMIN, OWNER)),
    ("register API", "/api/v1/ai-systems/", True, (ADMIN, OWNER)),
    ("risk list page (heat maps)", "/risks/", False, (ADMIN, OWNER)),
    ("risk API", "/api/v1/risks/", True, (ADMIN, OWNER)),
    ("treatment actions API", "/api/v1/treatment-actions/", True, (ADMIN, OWNER)),
    ("SoA page", "/controls/", False, (ADMIN, OWNER)),
    ("SoA API", "/api/v1/soa-entries/", True, (ADMIN, OWNER)),
    ("evidence page", "/controls/evidence/", False, (ADMIN, OWNER)),
    ("evidence API", "/api/v1/evidence/", True, (ADMIN, OWNER)),
    ("change log page", "/changelog/", False, (ADMIN,)),
    ("change log API", "/api/v1/change-log/", True, (ADMIN,)),
    ("heat map API (inherent)", "/api/v1/risks/heatmap/", True, (ADMIN, OWNER)),
    (
        "heat map API (residual)",
        "/api/v1/risks/heatmap/?kind=residual",
        True,
        (ADMIN, OWNER),
    ),
    ("home page", "/", False, (ADMIN, OWNER)),
    ("notifications page", "/notifications/", False, (ADMIN, OWNER)),
    ("notifications API", "/api/v1/notifications/", True, (ADMIN, OWNER)),
]
CONCURRENT = [r for r in REQUESTS if r[2] and r[0].endswith("API") and ADMIN in r[3]]


def count_queries(paths_json: str) -> None:
    """Queries per request for each (persona, path), with the test client (child)."""
    _django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from aims.models import User

    wanted = json.loads(paths_json)
    out = {}
    for username, path, api in wanted:
        user = User.objects.get(username=username)
        client = APIClient() if api else Client()
        client.force_login(user)
        client.get(path)  # warm caches (content types, criteria)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:2]
        out[f"{username} {path}"] = {
            "status": response.status_code,
            "queries": len(queries),
            "bytes": len(response.content),
            "slowest_sql": [q["sql"] for q in slowest],
        }
    print(json.dumps(out))


def explain(sql_json: str) -> None:
    _django()
    from django.db import connection

    out = []
    with connection.cursor() as cursor:
        for sql in json.loads(sql_json):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
            out.append("\n".join(row[0] for row in cursor.fetchall()))
    print(json.dumps(out))


def export_memory(fmt: str) -> None:
    """Build the 100,000-risk export as the background job does; print peak memory."""
    import resource

    _django()
    from aims.models import User
    from risk.exports import risk_exporter
    from risk.models import Risk

    user = User.objects.get(username=ADMIN)
    start = time.perf_counter()
    sink = open(os.devnull, "wb")  # noqa: SIM115
    rows = Risk.objects.select_related("ai_system", "owner", "criteria")
    if hasattr(risk_exporter, "write"):
        risk_exporter.write(rows, fmt, sink, name="risks", user=user)
    else:  # before streaming exports: the response is built in memory
        sink.write(risk_exporter.response(rows, fmt, "risks").content)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {"format": fmt, "seconds": time.perf_counter() - start, "peak_mb": peak}
        )
    )


class Server:
    def __init__(self, url: str, port: int):
        self.port = port
        self.process = subprocess.Popen(
            [
                str(Path(PYTHON).with_name("gunicorn")),
                "aims.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=child_env(url),
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                status, _, _ = request(port, "/healthz", {})
                if status == 200:
                    return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise SystemExit(f"gunicorn on {port} did not start")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def peak_rss_mb(self) -> float:
        peak = 0.0
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
        return peak

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


_local = threading.local()


def request(port: int, path: str, headers: dict, first_byte=False):
    """GET ``path``; (status, seconds to the whole body or to its first byte, bytes)."""
    connections = _local.__dict__.setdefault("connections", {})
    connection = connections.get(port)
    if connection is None:
        connection = connections[port] = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=300
        )
    start = time.perf_counter()
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
    except (http.client.HTTPException, OSError):
        connection.close()
        connections.pop(port, None)
        raise
    if first_byte:
        response.read(1)
        first = time.perf_counter() - start
        size = 1 + len(response.read())
        return response.status, first, size
    body = response.read()
    return response.status, time.perf_counter() - start, len(body)


def auth_headers(credentials: dict, username: str, api: bool) -> dict:
    creds = credentials[username]
    if api:
        return {
            "Authorization": f"Token {creds['token']}",
            "Accept": "application/json",
        }
    return {"Cookie": f"sessionid={creds['session']}"}


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure(args) -> dict:
    urls = {size: database_url(size, args) for size in SIZES}
    credentials = {
        size: json.loads(run_child(urls[size], "sessions")) for size in SIZES
    }
    wanted = [(u, path, api) for _, path, api, users in REQUESTS for u in users]
    queries = {
        size: json.loads(run_child(urls[size], "queries", json.dumps(wanted)))
        for size in SIZES
    }
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=child_env(urls["small"]),
        check=True,
    )
    servers = {
        "small": Server(urls["small"], args.small_port),
        "large": Server(urls["large"], args.large_port),
    }
    results = {"rows": [], "queries": queries}
    try:
        for name, path, api, users in REQUESTS:
            # Sizes and personas take turns request by request, so that both sizes and
            # both personas see the same machine (a shared machine's speed drifts by a
            # factor of two within minutes; rows measured one after another would
            # compare the drift).
            timings = {(username, size): [] for username in users for size in SIZES}
            for username, size in timings:  # warm up
                for _ in range(2):
                    request(
                        servers[size].port,
                        path,
                        auth_headers(credentials[size], username, api),
                    )
            for _ in range(args.repeat):
                for username, size in timings:
                    status, seconds, size_bytes = request(
                        servers[size].port,
                        path,
                        auth_headers(credentials[size], username, api),
                    )
                    if status != 200:
                        raise SystemExit(f"{path} as {username} ({size}): {status}")
                    timings[(username, size)].append(seconds)
            for username in users:
                row = {
                    "name": name,
                    "path": path,
                    "persona": "admin" if username == ADMIN else "owner",
                    **{
                        f"{size}_{stat}": func(timings[(username, size)])
                        for size in SIZES
                        for stat, func in (
                            ("p50", statistics.median),
                            ("p95", lambda v: percentile(v, 0.95)),
                        )
                    },
                    "small_queries": queries["small"][f"{username} {path}"]["queries"],
                    "large_queries": queries["large"][f"{username} {path}"]["queries"],
                    "small_bytes": queries["small"][f"{username} {path}"]["bytes"],
                    "large_bytes": queries["large"][f"{username} {path}"]["bytes"],
                }
                results["rows"].append(row)
                print(
                    f"{name:32} {row['persona']:5} small p95 {row['small_p95'] * 1000:7.1f} ms"
                    f"  large p95 {row['large_p95'] * 1000:7.1f} ms"
                    f"  ratio {row['large_p95'] / row['small_p95']:.2f}"
                    f"  queries {row['small_queries']}/{row['large_queries']}",
                    file=sys.stderr,
                    flush=True,
                )
        results["exports"] = measure_exports(
            servers["large"], credentials["large"], urls["large"]
        )
        results["concurrency"] = measure_concurrency(
            servers["large"], credentials["large"], args.seconds
        )
    finally:
        for server in servers.values():
            server.stop()
    if args.explain:
        results["plans"] = slowest_plans(results, urls, args.explain)
    return results


def measure_exports(server, credentials, url) -> dict:
    out = {}
    headers = auth_headers(credentials, ADMIN, False)
    before = server.peak_rss_mb()
    status, first, size = request(
        server.port, "/risks/?export=csv", headers, first_byte=True
    )
    out["csv"] = {
        "status": status,
        "first_byte_s": first,
        "bytes": size,
        "worker_peak_mb_before": before,
        "worker_peak_mb": server.peak_rss_mb(),
    }
    print(
        f"risk CSV: first byte {first:.2f} s, {size} bytes, worker peak {out['csv']['worker_peak_mb']:.0f} MB",
        file=sys.stderr,
        flush=True,
    )
    for fmt in ("csv", "xlsx"):
        out[f"{fmt}_build"] = json.loads(run_child(url, "export-memory", fmt))
        print(f"risk {fmt} build: {out[f'{fmt}_build']}", file=sys.stderr, flush=True)
    return out


def _rps(port: int, path: str, headers: dict, seconds: float, threads: int) -> float:
    done = []
    stop_at = time.perf_counter() + seconds

    def loop():
        count = 0
        while time.perf_counter() < stop_at:
            status, _, _ = request(port, path, headers)
            count += status == 200
        done.append(count)

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(done) / (time.perf_counter() - start)


def measure_concurrency(server, credentials, seconds: float) -> dict:
    """Each API list's requests per second at concurrency 4 against ``/healthz``'s,
    measured in alternating slices of a second or two (both see the same machine)."""
    slices = max(1, round(seconds / 2))
    slice_seconds = seconds / slices
    trivial_means = []
    out = {"apis": {}}
    for name, path, api, _ in CONCURRENT:
        headers = auth_headers(credentials, ADMIN, api)
        trivial, measured = [], []
        for _ in range(slices):
            trivial.append(_rps(server.port, "/healthz", {}, slice_seconds, 4))
            measured.append(_rps(server.port, path, headers, slice_seconds, 4))
        rps, trivial_rps = statistics.mean(measured), statistics.mean(trivial)
        trivial_means.append(trivial_rps)
        out["apis"][name] = {
            "rps": rps,
            "share": rps / trivial_rps,
            "trivial_rps": trivial_rps,
        }
        print(
            f"{name}: {rps:.1f} rps ({100 * rps / trivial_rps:.1f} % of /healthz "
            f"{trivial_rps:.0f} in the same slices)",
            file=sys.stderr,
            flush=True,
        )
    out["trivial_rps"] = statistics.mean(trivial_means)
    return out


def slowest_plans(results, urls, count: int) -> list:
    rows = sorted(results["rows"], key=lambda r: -r["large_p95"])[:count]
    plans = []
    for row in rows:
        username = ADMIN if row["persona"] == "admin" else OWNER
        sql = results["queries"]["large"][f"{username} {row['path']}"]["slowest_sql"]
        plans.append(
            {
                "request": f"{row['name']} ({row['persona']})",
                "large_p95": row["large_p95"],
                "plans": json.loads(
                    run_child(urls["large"], "explain", json.dumps(sql))
                ),
                "sql": sql,
            }
        )
    return plans


# Report


def markdown(results: dict) -> str:
    lines = [
        "| request | persona | small p50 | small p95 | large p50 | large p95 | large/small p95 | owner/admin p95 (large) | queries small/large | HTML bytes small/large |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    admin = {r["name"]: r for r in results["rows"] if r["persona"] == "admin"}
    for row in results["rows"]:
        ratio = row["large_p95"] / row["small_p95"]
        owner_ratio = ""
        if row["persona"] == "owner" and row["name"] in admin:
            value = row["large_p95"] / admin[row["name"]]["large_p95"]
            owner_ratio = f"{value:.2f}" + (" ✗" if value > 1.3 else "")
        lines.append(
            f"| {row['name']} | {row['persona']} | {row['small_p50'] * 1000:.0f} ms | "
            f"{row['small_p95'] * 1000:.0f} ms | {row['large_p50'] * 1000:.0f} ms | "
            f"{row['large_p95'] * 1000:.0f} ms | {ratio:.2f}{' ✗' if ratio > 1.5 else ''} | "
            f"{owner_ratio} | {row['small_queries']} / {row['large_queries']} | "
            f"{row['small_bytes']:,} / {row['large_bytes']:,} |"
        )
    exports = results.get("exports", {})
    if exports:
        csv = exports["csv"]
        lines += [
            "",
            f"- Risk CSV of the large organisation over HTTP: first byte after "
            f"{csv['first_byte_s']:.2f} s, {csv['bytes']:,} bytes; web worker peak RSS "
            f"{csv['worker_peak_mb']:.0f} MB.",
        ]
        for fmt in ("csv", "xlsx"):
            build = exports[f"{fmt}_build"]
            lines.append(
                f"- {fmt.upper()} of all risks built as the export job does: "
                f"{build['seconds']:.1f} s, peak RSS {build['peak_mb']:.0f} MB."
            )
    concurrency = results.get("concurrency")
    if concurrency:
        lines.append(
            f"- Concurrency 4 (large), each API list in alternating slices with "
            f"`/healthz` (mean {concurrency['trivial_rps']:.0f} rps): "
            + ", ".join(
                f"{name} {value['rps']:.1f} rps ({100 * value['share']:.1f} %"
                + (" ✗" if value["share"] < 0.10 else "")
                + ")"
                for name, value in concurrency["apis"].items()
            )
            + "."
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "command",
        choices=[
            "run",
            "seed",
            "drop",
            "sessions",
            "queries",
            "explain",
            "export-memory",
            "report",
        ],
    )
    parser.add_argument("extra", nargs="?")
    parser.add_argument("--size", choices=list(SIZES))
    parser.add_argument("--mode", choices=["bulk", "services"], default="bulk")
    parser.add_argument("--small-db")
    parser.add_argument("--large-db")
    parser.add_argument("--small-port", type=int, default=8104)
    parser.add_argument("--large-port", type=int, default=8114)
    # The 95th percentile of 20 requests is the second slowest: too noisy to compare.
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--explain", type=int, default=3)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument(
        "--large-systems",
        type=int,
        help="AI systems of the large organisation (default 10,000); the README "
        "says which size a table was measured at",
    )
    parser.add_argument("--output", default=str(ROOT / "var" / "bench-scale.json"))
    args = parser.parse_args()
    if args.large_systems:
        os.environ["AIMS_BENCH_LARGE_SYSTEMS"] = str(args.large_systems)
        SIZES["large"] = {
            "systems": args.large_systems,
            "system_owners": max(10, args.large_systems // 10),
            "risk_owners": max(2, args.large_systems // 100),
        }

    if args.command == "seed" and os.environ.get("DJANGO_SETTINGS_MODULE"):
        return seed(args.size, args.mode)
    if args.command == "sessions":
        return sessions()
    if args.command == "queries":
        return count_queries(args.extra)
    if args.command == "explain":
        return explain(args.extra)
    if args.command == "export-memory":
        return export_memory(args.extra)
    if args.command == "drop":
        for size in [args.size] if args.size else SIZES:
            db_drop(database_url(size, args))
        return None
    if args.command == "report":
        print(markdown(json.loads(Path(args.output).read_text())))
        return None
    sizes = [args.size] if args.size else list(SIZES)
    for size in sizes:
        url = database_url(size, args)
        if args.reseed and db_exists(url):
            db_drop(url)
        if not db_exists(url):
            db_create(url)
            started = time.perf_counter()
            print(
                f"seeding {size} ({args.mode}) into {urlparse(url).path}",
                file=sys.stderr,
                flush=True,
            )
            out = run_child(url, "seed", "--size", size, "--mode", args.mode)
            print(
                f"{out.strip()} in {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
                flush=True,
            )
    if args.command == "seed":
        return None
    # DEBUG off serves static files through the manifest storage: collect them first.
    subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env=child_env(database_url(sizes[0], args)),
        check=True,
        cwd=ROOT,
    )
    results = measure(args)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(results, indent=2, default=str))
    print(markdown(results))
    return None


if __name__ == "__main__":
    main()
