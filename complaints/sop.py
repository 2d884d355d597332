"""A tenant's SOP (standar operasional prosedur) as data: states, transitions, roles, inputs and
time limits, parsed from JSON and validated before it is ever stored.

The JSON shape (every key is `lower_snake_case`; labels are `{"id": ..., "en": ...}`):

    {
      "initial": "received",                  # where a complete complaint starts
      "incomplete": "incomplete",             # optional: where an incomplete one waits
      "case_limit": {"working_days": 5, "starts_at": "received",    # optional: whole case
                     "ends_at": ["answered"], "legal_basis": ["..."]},
      "legal_basis": ["Permenpan-RB 62/2018"],                       # optional, whole SOP
      "states": [
        {"key": "received", "label": {"id": "Diterima", "en": "Received"},
         "terminal": false, "waits_for_complainant": false,
         "limit": {"working_days": 2},        # or {"hours": n} or {"days": n} (calendar)
         "limits_by_urgency": {"high": {"working_days": 1}},   # optional, see below
         "legal_basis": ["..."]}
      ],
      "reopen": {"to": "received", "within_days": 14},   # optional, see below
      "transitions": [
        {"key": "answer", "label": {...}, "from": ["distributed"], "to": "answered",
         "roles": ["answer_team"], "legal_basis": ["..."], "notify": true,
         "inputs": [{"key": "response", "label": {...}, "type": "text", "required": true,
                     "public": true}]}
      ]
    }

Input types: text, choice (with `choices: [{"key", "label", "group"?}]` and optional
`depends_on`, the key of another choice input whose chosen key must equal the group), boolean,
date (ISO `YYYY-MM-DD`), file (a PDF or photo, checked by its content like every attachment,
stored as an attachment of the complaint and linked from the step's timeline entry; e.g. the
minutes, berita acara, of a review meeting). A `public` text input is shown to the complainant
(a public response).

`approval` on a transition (e.g. `["head"]`, roles that hold Capability.APPROVE_ANSWER): the
step is held as a draft until one of those roles approves it; only then is it taken and its
public response sent (complaints.actions.approval). A `public` file input is a response file,
shown and downloadable on the tracking page.

`notify` on a transition says whether the complainant is told of it through their channel
(integrations.notify). Absent, the rule is: a step into a terminal state (closing, with the
rating link), into a state that waits for the complainant (a request for information), or one
that gave a public response notifies; any other step stays internal.

`limits_by_urgency` on a state: the step's limit for a complaint of that urgency (high, medium,
low; complaints.models.Urgency), in place of `limit`; an urgency not named keeps `limit`.

`reopen`: a closed complaint may be reopened (by its complainant or staff) within
`within_days` calendar days of closing, into the non-terminal state `to`. Absent, it is
`{"to": <initial>, "within_days": 14}` (DEFAULT_REOPEN_DAYS).
`validate_sop` refuses a definition with an `SopError` naming the first problem; every problem
found is listed in `extra["problems"]` so an editor can show them all.
"""

from __future__ import annotations

import dataclasses
import re
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, cast

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from aduan.errors import AduanError
from complaints.models import Urgency
from complaints.sla_clock import LimitUnit as ClockUnit
from complaints.sla_clock import TimeLimit
from tenants.models import Role
from tenants.permissions import Capability, roles_with

LimitUnit = Literal["working_days", "hours", "days"]
LIMIT_UNITS: tuple[LimitUnit, ...] = ("working_days", "hours", "days")
InputType = Literal["text", "choice", "boolean", "date", "file"]
INPUT_TYPES: tuple[InputType, ...] = ("text", "choice", "boolean", "date", "file")
KNOWN_ROLES = frozenset(str(role) for role in Role)
# Who may be named in a step's "approval": the roles that hold the capability to approve.
APPROVER_ROLES = frozenset(str(role) for role in roles_with(Capability.APPROVE_ANSWER))
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
# Generous bounds that still catch a typo (a limit of 50000 working days is no SOP).
MAX_LIMIT = {"working_days": 365, "hours": 24 * 30, "days": 730}
CASE_LIMIT_KEYS = frozenset({"starts_at", "ends_at", "legal_basis"})
# Two weeks: long enough to notice the answer did not help, short enough that a case closes.
DEFAULT_REOPEN_DAYS = 14
MAX_REOPEN_DAYS = 365


class SopErrorCode(StrEnum):
    INVALID = "sop.invalid"
    INVALID_KEY = "sop.invalid_key"
    DUPLICATE_STATE = "sop.duplicate_state"
    DUPLICATE_TRANSITION = "sop.duplicate_transition"
    MISSING_INITIAL = "sop.missing_initial"
    UNKNOWN_STATE = "sop.unknown_state"
    UNKNOWN_TARGET = "sop.unknown_target"
    UNKNOWN_ROLE = "sop.unknown_role"
    NO_ROLES = "sop.no_roles"
    NO_TERMINAL_STATE = "sop.no_terminal_state"
    TERMINAL_HAS_TRANSITIONS = "sop.terminal_has_transitions"
    UNREACHABLE_STATE = "sop.unreachable_state"
    DEAD_END_STATE = "sop.dead_end_state"
    BAD_LIMIT = "sop.bad_limit"
    BAD_CASE_LIMIT = "sop.bad_case_limit"
    BAD_INPUT = "sop.bad_input"
    BAD_REOPEN = "sop.bad_reopen"
    BAD_APPROVAL = "sop.bad_approval"
    STALE_VERSION = "sop.stale_version"
    INVALID_JSON = "sop.invalid_json"  # the editor's text did not parse


class SopError(AduanError):
    pass


@dataclass(frozen=True)
class Label:
    id: str
    en: str

    def text(self) -> str:
        """In the active language; Bahasa Indonesia when there is no English."""
        language = get_language() or "id"
        return self.en if language.startswith("en") and self.en else self.id

    def __str__(self) -> str:
        return self.text()

    def as_json(self) -> dict[str, str]:
        return {"id": self.id, "en": self.en} if self.en else {"id": self.id}


@dataclass(frozen=True)
class Limit:
    unit: LimitUnit
    amount: int

    def as_json(self) -> dict[str, int]:
        return {self.unit: self.amount}

    def describe(self) -> str:
        """ "5 hari kerja": worded by the SLA clock, which counts it."""
        return TimeLimit(ClockUnit(self.unit), self.amount).describe()


@dataclass(frozen=True)
class State:
    key: str
    label: Label
    terminal: bool = False
    waits_for_complainant: bool = False
    limit: Limit | None = None
    legal_basis: tuple[str, ...] = ()
    # (urgency, limit) pairs: a shorter (or longer) limit for a complaint of that urgency.
    limits_by_urgency: tuple[tuple[str, Limit], ...] = ()

    def limit_for(self, urgency: str) -> Limit | None:
        return next((lim for key, lim in self.limits_by_urgency if key == urgency), self.limit)

    def for_urgency(self, urgency: str) -> State:
        """This state with the limit that applies to a complaint of `urgency`."""
        limit = self.limit_for(urgency)
        return self if limit == self.limit else dataclasses.replace(self, limit=limit)


@dataclass(frozen=True)
class Choice:
    key: str
    label: Label
    group: str = ""


@dataclass(frozen=True)
class InputSpec:
    key: str
    label: Label
    type: InputType
    required: bool = False
    public: bool = False
    choices: tuple[Choice, ...] = ()
    depends_on: str = ""

    def choice(self, key: str) -> Choice | None:
        return next((c for c in self.choices if c.key == key), None)


@dataclass(frozen=True)
class Transition:
    key: str
    label: Label
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    inputs: tuple[InputSpec, ...] = ()
    legal_basis: tuple[str, ...] = ()
    # None: the default rule (see the module docstring).
    notify: bool | None = None
    # Roles that must approve the step before it is taken and its public response leaves
    # (complaints.actions.approval); empty: no approval.
    approval: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ReopenRule:
    """Where a reopened complaint goes (`to`; empty: the SOP's initial state) and for how many
    calendar days after closing it may be reopened."""

    to: str = ""
    within_days: int = DEFAULT_REOPEN_DAYS


@dataclass(frozen=True)
class CaseLimit:
    """The time limit of the whole case (e.g. Perpres 76/2013: finished within 60 days of the
    file being complete): its clock starts when the complaint enters `starts_at` (the initial
    state when blank; complaints enter it once their file is complete) and stops at a state of
    `ends_at` or any terminal state; it pauses while the complaint waits for the complainant."""

    limit: Limit
    starts_at: str
    ends_at: tuple[str, ...] = ()
    legal_basis: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            **self.limit.as_json(),
            "starts_at": self.starts_at,
            "ends_at": list(self.ends_at),
            "legal_basis": list(self.legal_basis),
        }


@dataclass(frozen=True)
class Sop:
    initial: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    incomplete: str = ""
    case_limit: CaseLimit | None = None
    legal_basis: tuple[str, ...] = ()
    reopen: ReopenRule = ReopenRule()
    _state_index: dict[str, State] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        self._state_index.update({s.key: s for s in self.states})

    def state(self, key: str) -> State | None:
        return self._state_index.get(key)

    def transition(self, key: str) -> Transition | None:
        return next((t for t in self.transitions if t.key == key), None)

    def transitions_from(self, state_key: str) -> list[Transition]:
        return [t for t in self.transitions if state_key in t.sources]

    @property
    def reopen_target(self) -> str:
        return self.reopen.to or self.initial


@dataclass
class Problem:
    code: SopErrorCode
    message: str
    detail: dict[str, str]

    def as_json(self) -> dict[str, Any]:
        return {"code": str(self.code), "message": self.message, **self.detail}


class _ShapeError(Exception):
    """A structural problem: parsing stops at the first one."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _shape(path: str, message: str, code: SopErrorCode = SopErrorCode.INVALID) -> _ShapeError:
    return _ShapeError(Problem(code, message, {"path": path}))


def _obj(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _shape(path, _("%(path)s harus berupa objek JSON.") % {"path": path})
    return cast(dict[str, Any], value)


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise _shape(path, _("%(path)s harus berupa daftar (list) JSON.") % {"path": path})
    return value


def _str(value: Any, path: str, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise _shape(path, _("%(path)s harus berupa teks yang tidak kosong.") % {"path": path})
    return value.strip()


def _bool(value: Any, path: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _shape(path, _("%(path)s harus bernilai true atau false.") % {"path": path})
    return value


def _key(value: Any, path: str) -> str:
    key = _str(value, path)
    if not KEY_PATTERN.match(key):
        raise _shape(
            path,
            _(
                "Kunci %(key)s pada %(path)s tidak valid: gunakan huruf kecil, angka dan garis "
                "bawah, diawali huruf."
            )
            % {"key": key, "path": path},
            SopErrorCode.INVALID_KEY,
        )
    return key


def _label(value: Any, path: str) -> Label:
    if isinstance(value, str):
        return Label(_str(value, path), "")
    data = _obj(value, path)
    return Label(
        _str(data.get("id"), f"{path}.id"), _str(data.get("en"), f"{path}.en", required=False)
    )


def _basis(value: Any, path: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (_str(value, path),)
    return tuple(_str(item, f"{path}[{i}]") for i, item in enumerate(_list(value, path)))


def _limit(value: Any, path: str, *, extra_keys: frozenset[str] = frozenset()) -> Limit:
    data = _obj(value, path)
    units = [k for k in data if k not in extra_keys]
    if len(units) != 1 or units[0] not in LIMIT_UNITS:
        raise _shape(
            path,
            _("Batas waktu %(path)s harus berisi tepat satu dari working_days, hours atau days.")
            % {"path": path},
            SopErrorCode.BAD_LIMIT,
        )
    unit = units[0]
    amount = data[unit]
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_LIMIT[unit]:
        raise _shape(
            path,
            _("Batas waktu %(path)s harus bilangan bulat antara 1 dan %(max)d.")
            % {"path": path, "max": MAX_LIMIT[unit]},
            SopErrorCode.BAD_LIMIT,
        )
    return Limit(unit, amount)


def _limits_by_urgency(value: Any, path: str) -> tuple[tuple[str, Limit], ...]:
    if value is None:
        return ()
    data = _obj(value, path)
    known = [str(u) for u in Urgency]
    for key in data:
        if key not in known:
            raise _shape(
                f"{path}.{key}",
                _("Urgensi %(key)s pada %(path)s tidak dikenal (pilihan: %(choices)s).")
                % {"key": key, "path": path, "choices": ", ".join(known)},
                SopErrorCode.BAD_LIMIT,
            )
    return tuple((key, _limit(data[key], f"{path}.{key}")) for key in known if key in data)


def _input(value: Any, path: str) -> InputSpec:
    data = _obj(value, path)
    key = _key(data.get("key"), f"{path}.key")
    kind = data.get("type")
    if kind not in INPUT_TYPES:
        raise _shape(
            f"{path}.type",
            _("Isian %(key)s: jenis %(type)s tidak dikenal (text, choice, boolean, date, file).")
            % {"key": key, "type": kind},
            SopErrorCode.BAD_INPUT,
        )
    choices: tuple[Choice, ...] = ()
    if kind == "choice":
        raw = _list(data.get("choices"), f"{path}.choices")
        choices = tuple(
            Choice(
                _key(_obj(c, f"{path}.choices[{i}]").get("key"), f"{path}.choices[{i}].key"),
                _label(c.get("label"), f"{path}.choices[{i}].label"),
                _str(c.get("group"), f"{path}.choices[{i}].group", required=False),
            )
            for i, c in enumerate(raw)
        )
        if not choices or len({c.key for c in choices}) != len(choices):
            raise _shape(
                f"{path}.choices",
                _("Isian pilihan %(key)s harus punya pilihan dengan kunci yang berbeda-beda.")
                % {"key": key},
                SopErrorCode.BAD_INPUT,
            )
    return InputSpec(
        key=key,
        label=_label(data.get("label"), f"{path}.label"),
        type=cast(InputType, kind),
        required=_bool(data.get("required"), f"{path}.required"),
        public=_bool(data.get("public"), f"{path}.public"),
        choices=choices,
        depends_on=_str(data.get("depends_on"), f"{path}.depends_on", required=False),
    )


def _sources(value: Any, path: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (_key(value, path),)
    items = _list(value, path)
    if not items:
        raise _shape(path, _("%(path)s tidak boleh kosong.") % {"path": path})
    return tuple(_key(item, f"{path}[{i}]") for i, item in enumerate(items))


def parse_sop(definition: Any) -> Sop:
    """The definition as typed objects; `SopError` on a structural problem. Does not check the
    graph: use `validate_sop` for anything that will be stored or run."""
    try:
        return _parse(definition)
    except _ShapeError as shape:
        raise _error([shape.problem]) from None


def _parse(definition: Any) -> Sop:
    data = _obj(definition, "sop")
    states: list[State] = []
    for i, raw in enumerate(_list(data.get("states"), "states")):
        path = f"states[{i}]"
        item = _obj(raw, path)
        states.append(
            State(
                key=_key(item.get("key"), f"{path}.key"),
                label=_label(item.get("label"), f"{path}.label"),
                terminal=_bool(item.get("terminal"), f"{path}.terminal"),
                waits_for_complainant=_bool(
                    item.get("waits_for_complainant"), f"{path}.waits_for_complainant"
                ),
                limit=None if item.get("limit") is None else _limit(item["limit"], f"{path}.limit"),
                legal_basis=_basis(item.get("legal_basis"), f"{path}.legal_basis"),
                limits_by_urgency=_limits_by_urgency(
                    item.get("limits_by_urgency"), f"{path}.limits_by_urgency"
                ),
            )
        )
    transitions: list[Transition] = []
    for i, raw in enumerate(_list(data.get("transitions"), "transitions")):
        path = f"transitions[{i}]"
        item = _obj(raw, path)
        roles = item.get("roles")
        transitions.append(
            Transition(
                key=_key(item.get("key"), f"{path}.key"),
                label=_label(item.get("label"), f"{path}.label"),
                sources=_sources(item.get("from"), f"{path}.from"),
                target=_key(item.get("to"), f"{path}.to"),
                roles=frozenset(
                    _str(r, f"{path}.roles[{j}]")
                    for j, r in enumerate(_list(roles, f"{path}.roles"))
                ),
                inputs=tuple(
                    _input(x, f"{path}.inputs[{j}]")
                    for j, x in enumerate(_list(item.get("inputs", []), f"{path}.inputs"))
                ),
                legal_basis=_basis(item.get("legal_basis"), f"{path}.legal_basis"),
                notify=None
                if item.get("notify") is None
                else _bool(item["notify"], f"{path}.notify"),
                approval=frozenset(
                    _str(r, f"{path}.approval[{j}]")
                    for j, r in enumerate(_list(item.get("approval", []), f"{path}.approval"))
                ),
            )
        )
    case_limit = None
    if data.get("case_limit") is not None:
        raw_case = _obj(data["case_limit"], "case_limit")
        limit = _limit(raw_case, "case_limit", extra_keys=CASE_LIMIT_KEYS)
        starts_at = raw_case.get("starts_at")
        ends_at = raw_case.get("ends_at")
        case_limit = CaseLimit(
            limit,
            "" if starts_at is None else _key(starts_at, "case_limit.starts_at"),
            () if ends_at is None else _sources(ends_at, "case_limit.ends_at"),
            _basis(raw_case.get("legal_basis"), "case_limit.legal_basis"),
        )
    initial = data.get("initial")
    return Sop(
        initial=initial if isinstance(initial, str) else "",
        incomplete=_str(data.get("incomplete"), "incomplete", required=False),
        states=tuple(states),
        transitions=tuple(transitions),
        case_limit=case_limit,
        legal_basis=_basis(data.get("legal_basis"), "legal_basis"),
        reopen=_reopen(data.get("reopen")),
    )


def _reopen(value: Any) -> ReopenRule:
    if value is None:
        return ReopenRule()
    data = _obj(value, "reopen")
    days = data.get("within_days", DEFAULT_REOPEN_DAYS)
    if isinstance(days, bool) or not isinstance(days, int) or not 0 < days <= MAX_REOPEN_DAYS:
        raise _shape(
            "reopen.within_days",
            _("reopen.within_days harus bilangan bulat antara 1 dan %(max)d.")
            % {"max": MAX_REOPEN_DAYS},
            SopErrorCode.BAD_REOPEN,
        )
    to = data.get("to")
    return ReopenRule("" if to is None else _key(to, "reopen.to"), days)


def _error(problems: list[Problem]) -> SopError:
    first = problems[0]
    return SopError(
        str(first.code),
        first.message,
        {**first.detail, "problems": [p.as_json() for p in problems]},
    )


def validate_sop(definition: Any) -> Sop:
    """The parsed SOP if it can run; otherwise `SopError` naming the (first) problem."""
    sop = parse_sop(definition)
    problems = _graph_problems(sop)
    if problems:
        raise _error(problems)
    return sop


def _graph_problems(sop: Sop) -> list[Problem]:
    problems: list[Problem] = []

    def state_problem(code: SopErrorCode, message: str, state: str) -> None:
        problems.append(Problem(code, message, {"state": state}))

    def transition_problem(code: SopErrorCode, message: str, transition: str) -> None:
        problems.append(Problem(code, message, {"transition": transition}))

    seen: set[str] = set()
    for s in sop.states:
        if s.key in seen:
            state_problem(
                SopErrorCode.DUPLICATE_STATE,
                _("Keadaan %(state)s didefinisikan lebih dari sekali.") % {"state": s.key},
                s.key,
            )
        seen.add(s.key)
    seen = set()
    for t in sop.transitions:
        if t.key in seen:
            transition_problem(
                SopErrorCode.DUPLICATE_TRANSITION,
                _("Langkah %(transition)s didefinisikan lebih dari sekali.")
                % {"transition": t.key},
                t.key,
            )
        seen.add(t.key)
    keys = {s.key for s in sop.states}
    if not sop.initial or sop.initial not in keys:
        problems.append(
            Problem(
                SopErrorCode.MISSING_INITIAL,
                _("Keadaan awal (initial) %(state)s tidak ada di daftar keadaan.")
                % {"state": sop.initial or "-"},
                {"path": "initial"},
            )
        )
    if sop.incomplete and sop.incomplete not in keys:
        state_problem(
            SopErrorCode.UNKNOWN_STATE,
            _("Keadaan untuk pengaduan belum lengkap (incomplete) %(state)s tidak ada.")
            % {"state": sop.incomplete},
            sop.incomplete,
        )
    if sop.case_limit:
        problems.extend(_case_limit_problems(sop, sop.case_limit, keys))
    if sop.reopen.to and sop.reopen.to not in keys:
        problems.append(
            Problem(
                SopErrorCode.BAD_REOPEN,
                _("Keadaan tujuan pembukaan kembali (reopen.to) %(state)s tidak ada.")
                % {"state": sop.reopen.to},
                {"path": "reopen.to", "state": sop.reopen.to},
            )
        )
    for t in sop.transitions:
        for source in t.sources:
            if source not in keys:
                transition_problem(
                    SopErrorCode.UNKNOWN_STATE,
                    _("Langkah %(transition)s berangkat dari keadaan %(state)s yang tidak ada.")
                    % {"transition": t.key, "state": source},
                    t.key,
                )
        if t.target not in keys:
            transition_problem(
                SopErrorCode.UNKNOWN_TARGET,
                _("Langkah %(transition)s menuju keadaan %(state)s yang tidak ada.")
                % {"transition": t.key, "state": t.target},
                t.key,
            )
        if not t.roles:
            transition_problem(
                SopErrorCode.NO_ROLES,
                _("Langkah %(transition)s tidak boleh dijalankan siapa pun: isi roles.")
                % {"transition": t.key},
                t.key,
            )
        for role in sorted(t.roles - KNOWN_ROLES):
            transition_problem(
                SopErrorCode.UNKNOWN_ROLE,
                _("Langkah %(transition)s menyebut peran %(role)s yang tidak dikenal.")
                % {"transition": t.key, "role": role},
                t.key,
            )
        problems.extend(_input_problems(t))
        for role in sorted(t.approval):
            if role not in APPROVER_ROLES:
                transition_problem(
                    SopErrorCode.BAD_APPROVAL,
                    _(
                        "Langkah %(transition)s: peran %(role)s tidak dapat menyetujui jawaban "
                        "(approval hanya untuk peran yang berwenang menyetujui, mis. head)."
                    )
                    % {"transition": t.key, "role": role},
                    t.key,
                )
    terminals = {s.key for s in sop.states if s.terminal}
    if sop.reopen.to in terminals:
        problems.append(
            Problem(
                SopErrorCode.BAD_REOPEN,
                _(
                    "Pengaduan yang dibuka kembali tidak boleh langsung selesai: reopen.to "
                    "%(state)s adalah keadaan akhir."
                )
                % {"state": sop.reopen.to},
                {"path": "reopen.to", "state": sop.reopen.to},
            )
        )
    if not terminals:
        problems.append(
            Problem(
                SopErrorCode.NO_TERMINAL_STATE,
                _("SOP tidak punya keadaan akhir (terminal): pengaduan tidak akan pernah selesai."),
                {"path": "states"},
            )
        )
    for t in sop.transitions:
        for source in t.sources:
            if source in terminals:
                transition_problem(
                    SopErrorCode.TERMINAL_HAS_TRANSITIONS,
                    _("Keadaan akhir %(state)s tidak boleh punya langkah keluar (%(transition)s).")
                    % {"state": source, "transition": t.key},
                    t.key,
                )
    if problems:
        return problems
    # Graph checks only on a well-formed SOP: every state reachable from where complaints
    # start, and every reachable state able to reach an end.
    starts = {sop.initial} | ({sop.incomplete} if sop.incomplete else set())
    reachable = _closure(starts, {(s, t.target) for t in sop.transitions for s in t.sources})
    for s in sop.states:
        if s.key not in reachable:
            state_problem(
                SopErrorCode.UNREACHABLE_STATE,
                _("Keadaan %(state)s tidak dapat dicapai dari keadaan awal.") % {"state": s.key},
                s.key,
            )
    finishing = _closure(terminals, {(t.target, s) for t in sop.transitions for s in t.sources})
    for s in sop.states:
        if s.key in reachable and s.key not in finishing:
            state_problem(
                SopErrorCode.DEAD_END_STATE,
                _("Dari keadaan %(state)s tidak ada jalan menuju keadaan akhir.")
                % {"state": s.key},
                s.key,
            )
    return problems


def _case_limit_problems(sop: Sop, case: CaseLimit, keys: set[str]) -> list[Problem]:
    problems: list[Problem] = []

    def problem(message: str, state: str) -> None:
        problems.append(Problem(SopErrorCode.BAD_CASE_LIMIT, message, {"state": state}))

    start = sop.state(case.starts_at or sop.initial)
    if case.starts_at and case.starts_at not in keys:
        problems.append(
            Problem(
                SopErrorCode.UNKNOWN_STATE,
                _("Batas waktu seluruh kasus dimulai di keadaan %(state)s yang tidak ada.")
                % {"state": case.starts_at},
                {"state": case.starts_at},
            )
        )
    elif start is not None and (start.terminal or start.waits_for_complainant):
        problem(
            _(
                "Batas waktu seluruh kasus tidak dapat dimulai di keadaan %(state)s: keadaan "
                "itu keadaan akhir atau menunggu pengadu."
            )
            % {"state": start.key},
            start.key,
        )
    for end in case.ends_at:
        if end not in keys:
            problem(
                _("Batas waktu seluruh kasus berakhir di keadaan %(state)s yang tidak ada.")
                % {"state": end},
                end,
            )
        elif start is not None and end == start.key:
            problem(
                _("Batas waktu seluruh kasus tidak boleh berakhir di keadaan awalnya %(state)s.")
                % {"state": end},
                end,
            )
    return problems


def _closure(starts: set[str], edges: set[tuple[str, str]]) -> set[str]:
    seen = set(starts)
    queue = deque(starts)
    while queue:
        here = queue.popleft()
        for a, b in edges:
            if a == here and b not in seen:
                seen.add(b)
                queue.append(b)
    return seen


def _input_problems(t: Transition) -> list[Problem]:
    problems: list[Problem] = []
    by_key: dict[str, InputSpec] = {}
    for spec in t.inputs:
        if spec.key in by_key:
            problems.append(
                Problem(
                    SopErrorCode.BAD_INPUT,
                    _("Langkah %(transition)s: isian %(input)s didefinisikan lebih dari sekali.")
                    % {"transition": t.key, "input": spec.key},
                    {"transition": t.key},
                )
            )
        by_key[spec.key] = spec
    for spec in t.inputs:
        if spec.public and spec.type not in ("text", "file"):
            problems.append(
                Problem(
                    SopErrorCode.BAD_INPUT,
                    _(
                        "Langkah %(transition)s: isian %(input)s tidak dapat dikirim ke "
                        "pengadu (public hanya untuk isian teks atau berkas)."
                    )
                    % {"transition": t.key, "input": spec.key},
                    {"transition": t.key},
                )
            )
    for spec in t.inputs:
        if not spec.depends_on:
            continue
        parent = by_key.get(spec.depends_on)
        groups = {c.key for c in parent.choices} if parent else set()
        if (
            spec.type != "choice"
            or parent is None
            or parent.type != "choice"
            or any(c.group not in groups for c in spec.choices)
        ):
            problems.append(
                Problem(
                    SopErrorCode.BAD_INPUT,
                    _(
                        "Langkah %(transition)s: isian %(input)s bergantung pada %(parent)s, "
                        "tetapi setiap pilihannya harus punya group yang merupakan pilihan "
                        "%(parent)s."
                    )
                    % {"transition": t.key, "input": spec.key, "parent": spec.depends_on},
                    {"transition": t.key},
                )
            )
    return problems
