"""The SOP editor's form (complaints.views.sop): states and steps edited as rows instead of
JSON, turned into a definition for `validate_sop`; each problem mapped back to the field that
caused it; the differences against the active version; and the flow drawn as SVG.

What the form does not edit (a step's inputs and `notify`, a state's `limits_by_urgency`, the
whole case's limit, reopen...) is carried over from the version the editor started from, by
the row's original key. The JSON stays available to the API (`PUT api/v1/sop/`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from complaints.sop import LIMIT_UNITS, Sop, SopError

ROW_FIELDS_STATE = ("key", "label_id", "label_en", "limit_amount", "limit_unit", "legal_basis")
ROW_FIELDS_STEP = ("key", "label_id", "label_en", "from", "to", "legal_basis")
# Blank rows offered for a new state and a new step.
NEW_ROWS = 1


@dataclass
class FormRows:
    """The rows as the form shows them, with each field's messages (by field name)."""

    initial: str
    states: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def annotated(self) -> FormRows:
        """Each row with its own fields' messages (`row.errors.key`), for the template."""
        for prefix, rows in (("state", self.states), ("step", self.steps)):
            for i, row in enumerate(rows):
                start = f"{prefix}-{i}-"
                row["prefix"] = start[:-1]
                row["errors"] = {
                    name.removeprefix(start): messages
                    for name, messages in self.errors.items()
                    if name.startswith(start)
                }
        return self


def _lines(value: Any) -> str:
    return "\n".join(value) if isinstance(value, list) else str(value or "")


def _label(value: Any) -> tuple[str, str]:
    if isinstance(value, dict):
        return str(value.get("id", "")), str(value.get("en", ""))
    return str(value or ""), ""


def rows_of(definition: Mapping[str, Any]) -> FormRows:
    """The form's rows for a stored definition (plus blank rows for a new state and step)."""
    states = []
    for raw in definition.get("states", []):
        label_id, label_en = _label(raw.get("label"))
        limit = raw.get("limit") or {}
        unit = next(iter(limit), "working_days")
        states.append({
            "orig": raw.get("key", ""), "key": raw.get("key", ""), "label_id": label_id,
            "label_en": label_en, "terminal": bool(raw.get("terminal")),
            "waits": bool(raw.get("waits_for_complainant")),
            "limit_amount": str(limit.get(unit, "")) if limit else "", "limit_unit": unit,
            "legal_basis": _lines(raw.get("legal_basis")),
        })  # fmt: skip
    steps = []
    for raw in definition.get("transitions", []):
        label_id, label_en = _label(raw.get("label"))
        sources = raw.get("from", [])
        steps.append({
            "orig": raw.get("key", ""), "key": raw.get("key", ""), "label_id": label_id,
            "label_en": label_en,
            "from": ", ".join(sources) if isinstance(sources, list) else str(sources),
            "to": raw.get("to", ""), "roles": list(raw.get("roles", [])),
            "approval": bool(raw.get("approval")), "legal_basis": _lines(raw.get("legal_basis")),
            "inputs": len(raw.get("inputs", [])),
        })  # fmt: skip
    blank_state = {"orig": "", "key": "", "label_id": "", "label_en": "", "terminal": False,
                   "waits": False, "limit_amount": "", "limit_unit": "working_days",
                   "legal_basis": ""}  # fmt: skip
    blank_step = {"orig": "", "key": "", "label_id": "", "label_en": "", "from": "", "to": "",
                  "roles": [], "approval": False, "legal_basis": "", "inputs": 0}  # fmt: skip
    states += [dict(blank_state) for _ in range(NEW_ROWS)]
    steps += [dict(blank_step) for _ in range(NEW_ROWS)]
    return FormRows(str(definition.get("initial", "")), states, steps)


def _count(data: Mapping[str, Any], name: str) -> int:
    raw = str(data.get(name, "0"))
    return min(int(raw), 500) if raw.isdigit() else 0


def rows_from_post(data: Any) -> FormRows:
    """The rows as submitted (a QueryDict: roles are a list per step)."""
    states = []
    for i in range(_count(data, "state_count")):
        p = f"state-{i}-"
        states.append({
            "orig": data.get(p + "orig", ""),
            **{f: str(data.get(p + f, "")).strip() for f in ROW_FIELDS_STATE},
            "terminal": bool(data.get(p + "terminal")), "waits": bool(data.get(p + "waits")),
            "delete": bool(data.get(p + "delete")),
        })  # fmt: skip
    steps = []
    for i in range(_count(data, "step_count")):
        p = f"step-{i}-"
        steps.append({
            "orig": data.get(p + "orig", ""),
            **{f: str(data.get(p + f, "")).strip() for f in ROW_FIELDS_STEP},
            "roles": list(data.getlist(p + "roles")), "approval": bool(data.get(p + "approval")),
            "delete": bool(data.get(p + "delete")), "inputs": 0,
        })  # fmt: skip
    return FormRows(str(data.get("initial", "")).strip(), states, steps)


def _basis(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _is_blank(row: dict[str, Any], fields: tuple[str, ...]) -> bool:
    return not row["orig"] and not any(row.get(f) for f in fields if f != "limit_unit")


def definition_from(
    rows: FormRows, base: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The definition the rows describe, over `base` (what the form does not edit), and where
    each list item came from (`states[2]` -> `state-3`) to put a problem on its field."""
    definition = copy.deepcopy(dict(base))
    base_states = {s.get("key"): s for s in base.get("states", [])}
    base_steps = {t.get("key"): t for t in base.get("transitions", [])}
    origin: dict[str, str] = {}
    states: list[dict[str, Any]] = []
    for i, row in enumerate(rows.states):
        if row.get("delete") or _is_blank(row, ROW_FIELDS_STATE):
            continue
        item = copy.deepcopy(base_states.get(row["orig"], {}))
        item.update(key=row["key"], label=_label_json(row, item.get("label")))
        _set(item, "terminal", row["terminal"], False)
        _set(item, "waits_for_complainant", row["waits"], False)
        item.pop("limit", None)
        if row["limit_amount"]:
            amount = row["limit_amount"]
            if not amount.isdigit():
                rows.add(f"state-{i}-limit_amount", _("Isi bilangan bulat, mis. 5."))
            elif row["limit_unit"] not in LIMIT_UNITS:
                rows.add(f"state-{i}-limit_unit", _("Pilih satuan batas waktu."))
            else:
                item["limit"] = {row["limit_unit"]: int(amount)}
        _set(item, "legal_basis", _basis(row["legal_basis"]), [])
        origin[f"states[{len(states)}]"] = f"state-{i}"
        states.append(item)
    steps: list[dict[str, Any]] = []
    for i, row in enumerate(rows.steps):
        if row.get("delete") or (_is_blank(row, ROW_FIELDS_STEP) and not row["roles"]):
            continue
        item = copy.deepcopy(base_steps.get(row["orig"], {}))
        item.update(key=row["key"], label=_label_json(row, item.get("label")), to=row["to"])
        roles = list(row["roles"])
        if sorted(roles) != sorted(item.get("roles", [])):
            item["roles"] = roles
        _set(item, "legal_basis", _basis(row["legal_basis"]), [])
        sources = [s.strip() for s in row["from"].split(",") if s.strip()]
        before = item.get("from")
        if sources != ([before] if isinstance(before, str) else before):
            item["from"] = sources
        if row["approval"] and not item.get("approval"):
            item["approval"] = ["head"]
        elif not row["approval"]:
            item.pop("approval", None)
        origin[f"transitions[{len(steps)}]"] = f"step-{i}"
        steps.append(item)
    definition.update(initial=rows.initial, states=states, transitions=steps)
    return definition, origin


def _label_json(row: dict[str, Any], before: Any) -> Any:
    """The label as the row gives it; the stored form when the text did not change (a plain
    string stays one), so an untouched row is no change."""
    if _label(before) == (row["label_id"], row["label_en"]):
        return before
    return (
        {"id": row["label_id"], "en": row["label_en"]}
        if row["label_en"]
        else {"id": row["label_id"]}
    )


def _set(item: dict[str, Any], key: str, value: Any, empty: Any) -> None:
    """Set `key`, leaving it out when it is empty and was not there (no spurious change)."""
    if value == empty and key not in item:
        return
    item[key] = value


def place_problems(rows: FormRows, error: SopError, origin: dict[str, str]) -> None:
    """Each problem of the validator on the field of the row that caused it."""
    problems = error.extra.get("problems") or [{"message": error.message, **error.extra}]
    state_rows = {r["key"]: f"state-{i}" for i, r in enumerate(rows.states) if not r.get("delete")}
    step_rows = {r["key"]: f"step-{i}" for i, r in enumerate(rows.steps) if not r.get("delete")}
    for problem in problems:
        message = str(problem.get("message", ""))
        path = str(problem.get("path", ""))
        name = "sop"
        if path == "initial":
            name = "initial"
        elif path:
            head, _dot, rest = path.partition(".")
            row = origin.get(head)
            if row:
                leaf = rest.split(".")[0].split("[")[0] or "key"
                name = f"{row}-" + {
                    "label": "label_id",
                    "limit": "limit_amount",
                    "roles": "roles",
                    "from": "from",
                    "to": "to",
                    "approval": "approval",
                    "key": "key",
                    "legal_basis": "legal_basis",
                }.get(leaf, "key")
        elif problem.get("transition") in step_rows:
            step = step_rows[str(problem["transition"])]
            code = str(problem.get("code", ""))
            leaf = STEP_PROBLEM_FIELDS.get(code, "key")
            name = f"{step}-{leaf}"
        elif problem.get("state") in state_rows:
            name = f"{state_rows[str(problem['state'])]}-key"
        rows.add(name, message)


# Which field of a step row a problem naming the step is about.
STEP_PROBLEM_FIELDS = {
    "sop.unknown_target": "to",
    "sop.unknown_state": "from",
    "sop.terminal_has_transitions": "from",
    "sop.no_roles": "roles",
    "sop.unknown_role": "roles",
    "sop.bad_approval": "approval",
}


@dataclass
class Change:
    kind: str  # "state" or "step"
    key: str
    change: str  # "added", "removed", "changed"
    fields: list[str] = field(default_factory=list)


def differences(active: Mapping[str, Any], edited: Mapping[str, Any]) -> list[Change]:
    """What the edit changes against the active version, state by state and step by step."""
    changes: list[Change] = []
    for kind, key in (("state", "states"), ("step", "transitions")):
        before = {i.get("key"): i for i in active.get(key, [])}
        after = {i.get("key"): i for i in edited.get(key, [])}
        for name, item in after.items():
            if name not in before:
                changes.append(Change(kind, str(name), "added"))
            elif item != before[name]:
                keys = sorted(set(item) | set(before[name]))
                changed = [k for k in keys if item.get(k) != before[name].get(k)]
                changes.append(Change(kind, str(name), "changed", changed))
        changes += [Change(kind, str(n), "removed") for n in before if n not in after]
    for key in sorted((set(active) | set(edited)) - {"states", "transitions"}):
        if active.get(key) != edited.get(key):
            changes.append(Change("sop", key, "changed"))
    return changes


# The diagram's geometry (px).
BOX_W, BOX_H, COL_GAP, ROW_GAP, MARGIN = 170, 52, 90, 34, 16


def _layers(sop: Sop) -> dict[str, int]:
    """Each state's column: its distance in steps from where complaints start."""
    starts = [sop.initial] + ([sop.incomplete] if sop.incomplete else [])
    depth = {s: 0 for s in starts if sop.state(s)}
    queue = list(depth)
    while queue:
        here = queue.pop(0)
        for t in sop.transitions_from(here):
            if t.target not in depth and sop.state(t.target):
                depth[t.target] = depth[here] + 1
                queue.append(t.target)
    last = max(depth.values(), default=0)
    for s in sop.states:
        depth.setdefault(s.key, last + 1)
    return depth


def diagram(sop: Sop) -> SafeString:
    """The flow as SVG: states as boxes (a double border for an end, the limit under the
    name), steps as arrows labelled with their names; hovering shows the legal basis."""
    depth = _layers(sop)
    columns: dict[int, list[str]] = {}
    for s in sop.states:
        columns.setdefault(depth[s.key], []).append(s.key)
    where: dict[str, tuple[int, int]] = {}
    for col, keys in columns.items():
        for row, key in enumerate(keys):
            where[key] = (MARGIN + col * (BOX_W + COL_GAP), MARGIN + row * (BOX_H + ROW_GAP))
    width = MARGIN * 2 + (max(columns, default=0) + 1) * (BOX_W + COL_GAP)
    height = MARGIN * 2 + max((len(k) for k in columns.values()), default=1) * (BOX_H + ROW_GAP)
    arrows = []
    for t in sop.transitions:
        for source in t.sources:
            if source not in where or t.target not in where:
                continue
            (x1, y1), (x2, y2) = where[source], where[t.target]
            basis = "; ".join(t.legal_basis)
            title = f"{t.label} ({t.key})" + (f": {basis}" if basis else "")
            if source == t.target:
                path = f"M{x1 + BOX_W - 30},{y1} c0,-30 40,-30 30,0"
                lx, ly = x1 + BOX_W - 10, y1 - 22
            else:
                sx, sy = x1 + BOX_W, y1 + BOX_H // 2
                ex, ey = x2, y2 + BOX_H // 2
                if x2 <= x1:  # a step back: leave from the bottom, curve under the boxes
                    sx, sy, ex, ey = x1 + BOX_W // 2, y1 + BOX_H, x2 + BOX_W // 2, y2 + BOX_H
                    dip = max(sy, ey) + ROW_GAP
                    path = f"M{sx},{sy} C{sx},{dip} {ex},{dip} {ex},{ey}"
                    lx, ly = (sx + ex) // 2, dip - 4
                else:
                    mid = (sx + ex) // 2
                    path = f"M{sx},{sy} C{mid},{sy} {mid},{ey} {ex},{ey}"
                    lx, ly = mid, (sy + ey) // 2 - 4
            approval = " ✔" if t.approval else ""
            arrows.append(format_html(
                '<g class="sop-step" data-step="{}"><title>{}</title>'
                '<path d="{}" fill="none" stroke="#555" stroke-width="1.4" '
                'marker-end="url(#sop-arrow)"/>'
                '<text x="{}" y="{}" font-size="10" text-anchor="middle" fill="#222">{}{}</text>'
                "</g>",
                t.key, title, path, round(lx), round(ly), _short(str(t.label)), approval,
            ))  # fmt: skip
    boxes = []
    for s in sop.states:
        x, y = where[s.key]
        limit = s.limit.describe() if s.limit else ""
        basis = "; ".join(s.legal_basis)
        border = "3" if s.terminal else "1.4"
        fill = "#eef6ee" if s.terminal else ("#fff7e0" if s.waits_for_complainant else "#f4f6fb")
        boxes.append(format_html(
            '<g class="sop-state" data-state="{}"><title>{}</title>'
            '<rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="{}" stroke="#335" '
            'stroke-width="{}"/>'
            '<text x="{}" y="{}" font-size="12" text-anchor="middle" fill="#111">{}</text>'
            '<text x="{}" y="{}" font-size="10" text-anchor="middle" fill="#555">{}</text></g>',
            s.key, f"{s.label} ({s.key})" + (f": {basis}" if basis else ""),
            x, y, BOX_W, BOX_H, fill, border,
            x + BOX_W // 2, y + 21, _short(str(s.label), 26),
            x + BOX_W // 2, y + 38, limit,
        ))  # fmt: skip
    arrow_marker = mark_safe(
        '<defs><marker id="sop-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#555"/></marker></defs>'
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" id="sop-diagram" role="img" '
        'viewBox="0 0 {} {}" width="{}" height="{}" aria-label="{}">{}{}{}</svg>',
        width, height, width, height, _("Diagram alur SOP"), arrow_marker,
        format_html_join("", "{}", ((a,) for a in arrows)),
        format_html_join("", "{}", ((b,) for b in boxes)),
    )  # fmt: skip


def _short(text: str, length: int = 24) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
