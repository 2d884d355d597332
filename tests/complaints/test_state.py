"""The one state writer (complaints.actions.state.enter_state) stays the only one, and its
notification rules stay one declared table."""

from __future__ import annotations

import ast
from pathlib import Path

from complaints.models import EventKind
from complaints.notifications import CITIZEN_NOTICE, Notice, notice_for

ROOT = Path(__file__).resolve().parents[2]
STATE_WRITER = "complaints/actions/state.py"
# The SLA clock's own module sets its fields when enter_state calls it.
CLOCK = "complaints/sla.py"
# The complaint's state and the starts of its clocks.
STATE_FIELDS = {"state"}
CLOCK_FIELDS = {"sla_started_at", "case_started_at", "state_entered_at"}
# Rows created in a state, with the reason. Intake creates the row in the first state the
# state writer placed it in (place_first_state, with its clocks); a move's arrival
# creates the receiver's row in the state it continues in, and enters a fresh state through
# enter_state when it starts over.
CREATED_IN_A_STATE = {"complaints/forwarding.py"}
# The clock's entries: a state entered, a new row's first state (complaints.sla).
CLOCK_ENTRIES = {"on_state_entered", "start_clocks"}
OWN_PACKAGES = ("aduan", "tenants", "complaints", "integrations", "billing", "routing")


def _sources() -> list[Path]:
    roots = [ROOT / name for name in OWN_PACKAGES if (ROOT / name).is_dir()]
    roots.append(ROOT / "platform" / "aduan")
    return sorted(
        path
        for root in roots
        for path in root.rglob("*.py")
        if "migrations" not in path.parts and ".venv" not in path.parts
    )


def _writes(path: Path) -> list[tuple[str, int, str]]:
    """(field, line, how) of every write of a state or clock field in the module."""
    found: list[tuple[str, int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        for target in targets:
            for item in ast.walk(target):
                if isinstance(item, ast.Attribute) and item.attr in STATE_FIELDS | CLOCK_FIELDS:
                    found.append((item.attr, item.lineno, "assigned"))
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "setattr" and len(node.args) > 1:
                field = node.args[1]
                if isinstance(field, ast.Constant) and field.value in STATE_FIELDS | CLOCK_FIELDS:
                    found.append((str(field.value), node.lineno, "setattr"))
            if name in {"create", "update", "update_or_create", "get_or_create", "bulk_update"}:
                chain = ast.unparse(func)
                if chain.startswith("Complaint."):
                    for keyword in node.keywords:
                        if keyword.arg in STATE_FIELDS | CLOCK_FIELDS:
                            found.append((keyword.arg, node.lineno, name))
            if name in CLOCK_ENTRIES:
                found.append(("clock", node.lineno, "on_state_entered"))
    return found


def _stray_writes() -> list[str]:
    stray = []
    for path in _sources():
        module = path.relative_to(ROOT).as_posix()
        for field, line, how in _writes(path):
            if module == STATE_WRITER:
                continue
            if module == CLOCK and (field in CLOCK_FIELDS or how == "on_state_entered"):
                continue
            if module in CREATED_IN_A_STATE and how == "create" and field == "state":
                continue
            stray.append(f"{module}:{line}: {field} ({how})")
    return stray


def test_only_enter_state_sets_a_complaints_state_or_starts_its_clock() -> None:
    # Given every module of ours, read as source
    # Then no code but the state writer sets a complaint's state or calls the clock's entry,
    # and only the clock module sets the clock's fields
    assert _stray_writes() == []


def test_the_scan_sees_the_writes_it_forbids() -> None:
    # Given the state writer and the clock module, which do what the scan forbids elsewhere
    writer = _writes(ROOT / STATE_WRITER)
    clock = _writes(ROOT / CLOCK)
    # Then the scan finds their writes (it is not blind)
    assert ("state", "assigned") in {(field, how) for field, _line, how in writer}
    assert ("clock", "on_state_entered") in {(field, how) for field, _line, how in writer}
    assert {"sla_started_at", "case_started_at", "state_entered_at"} <= {f for f, _l, _h in clock}


def test_the_notification_rules_are_one_declared_table() -> None:
    # Then the table says which timeline entry kinds tell the citizen, and how
    assert dict(CITIZEN_NOTICE) == {
        EventKind.TRANSITION: Notice.BY_STEP,
        EventKind.RESPONSE: Notice.ALWAYS,
        EventKind.REOPENED: Notice.UNLESS_BY_COMPLAINANT,
        EventKind.MERGED: Notice.ALWAYS,
    }
    # and every other kind is never told
    assert {kind for kind in EventKind if notice_for(kind) != Notice.NEVER} == set(CITIZEN_NOTICE)
    assert notice_for(EventKind.NOTE) == Notice.NEVER
