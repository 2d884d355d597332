"""routing.disposition.dispose: one decision for every caller, each outcome; and the one
executor (complaints.actions.dispose) is the only code that branches on it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from routing.disposition import Action, Disposition, dispose
from routing.models import HopKind
from routing.router import Outcome, Proposal
from tenants.models import Tenant

ROOT = Path(__file__).resolve().parents[2]
APPS = ("platform/aduan", "tenants", "routing", "complaints", "integrations", "billing")
# The one executor; and routing's own modules, which make proposals and dispositions.
EXECUTOR = Path("complaints/actions/dispose.py")
DECIDERS = {Path("routing/router.py"), Path("routing/disposition.py")}

HOLDER = Tenant(pk=1, slug="holder", name="Desa Babakan")
OTHER = Tenant(pk=2, slug="other", name="Disdukcapil Cilacap")


def proposal(outcome: Outcome, target: Tenant | None) -> Proposal:
    return Proposal(outcome, target, None, None, "33.01", ["kata kunci: 'KTP'", "→ sana"])


def test_a_front_door_files_with_the_target_or_its_triage_queue_or_lapor() -> None:
    # When a new complaint (no holder) is disposed of, for each outcome of the router
    sure = dispose(proposal(Outcome.ROUTE, OTHER))
    unsure = dispose(proposal(Outcome.TRIAGE, OTHER))
    nobody = dispose(proposal(Outcome.LAPOR, None))
    # Then the sure one is forwarded, the unsure one triaged there, the last one to LAPOR!
    assert (sure.action, sure.to, sure.hop_kind) == (Action.FORWARD, OTHER, HopKind.ROUTE)
    assert (unsure.action, unsure.to) == (Action.TRIAGE, OTHER)
    assert (nobody.action, nobody.to) == (Action.LAPOR, None)
    assert sure.reason == "kata kunci: 'KTP'; → sana"


def test_a_held_complaint_moves_stays_or_waits_in_its_holders_queue() -> None:
    # When the router looks at a complaint its holder just received
    elsewhere = dispose(proposal(Outcome.ROUTE, OTHER), holder=HOLDER)
    here = dispose(proposal(Outcome.ROUTE, HOLDER), holder=HOLDER)
    unsure_here = dispose(proposal(Outcome.TRIAGE, HOLDER), holder=HOLDER)
    unsure_elsewhere = dispose(proposal(Outcome.TRIAGE, OTHER), holder=HOLDER)
    nobody = dispose(proposal(Outcome.LAPOR, None), holder=HOLDER)
    # Then only a sure route elsewhere moves it; unsure elsewhere stays with its receiver
    assert (elsewhere.action, elsewhere.to) == (Action.FORWARD, OTHER)
    assert (here.action, here.to) == (Action.KEEP, HOLDER)
    assert (unsure_here.action, unsure_here.to) == (Action.TRIAGE, HOLDER)
    assert (unsure_elsewhere.action, unsure_elsewhere.to) == (Action.KEEP, HOLDER)
    assert (nobody.action, nobody.to) == (Action.LAPOR, None)


def test_bukan_wewenang_moves_it_even_when_unsure_with_the_officers_reason_first() -> None:
    # When the holder's officer says "not ours"
    unsure = dispose(
        proposal(Outcome.TRIAGE, OTHER), holder=HOLDER, handed_over=True, said="Bukan kami"
    )
    itself = dispose(proposal(Outcome.ROUTE, HOLDER), holder=HOLDER, handed_over=True)
    # Then an unsure one goes to that triage queue, as a person's forward, reason first
    assert (unsure.action, unsure.to, unsure.hop_kind) == (Action.TRIAGE, OTHER, HopKind.FORWARD)
    assert unsure.reason == "Bukan kami; kata kunci: 'KTP'; → sana"
    # and a regency government the router points back at sorts it in its own queue
    assert (itself.action, itself.to) == (Action.TRIAGE, HOLDER)


def test_a_disposition_is_frozen() -> None:
    decided = dispose(proposal(Outcome.LAPOR, None))
    assert isinstance(decided, Disposition)
    with pytest.raises(AttributeError):
        decided.action = Action.KEEP  # type: ignore[misc]


ROUTING_ENUMS = {("routing.disposition", "Action"), ("routing.router", "Outcome")}


def _branches(tree: ast.AST) -> list[tuple[int, str]]:
    """Every reference to a disposition's action or a proposal's outcome: routing's `Action.X`
    and `Outcome.X` (under whatever name they were imported), `<anything>.action` and
    `<anything>.outcome`."""
    names = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if (node.module, alias.name) in ROUTING_ENUMS
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id in names:
                found.append((node.lineno, f"{node.value.id}.{node.attr}"))
            elif node.attr in ("action", "outcome"):
                found.append((node.lineno, f".{node.attr}"))
    return found


def test_only_the_executor_branches_on_a_disposition() -> None:
    # Given every module of the apps (not the tests)
    offenders = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or relative == EXECUTOR or relative in DECIDERS:
                continue
            for line, what in _branches(ast.parse(path.read_text(encoding="utf-8"))):
                offenders.append(f"{relative}:{line}: {what}")
    # Then none reads an outcome or an action: the executor carries out every disposition
    assert offenders == []
    # and the scan does see the executor's own branches
    executor = _branches(ast.parse((ROOT / EXECUTOR).read_text(encoding="utf-8")))
    assert {what for _line, what in executor} >= {"Action.LAPOR", "Action.KEEP", "Action.TRIAGE"}
