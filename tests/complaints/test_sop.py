"""The SOP validator refuses every kind of broken SOP, naming the problem; the templates pass."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.utils import translation

from complaints.sop import SopError, parse_sop, validate_sop
from complaints.sop_templates import TEMPLATES, template_for
from tenants.models import TenantKind


def minimal() -> dict[str, Any]:
    return {
        "initial": "received",
        "states": [
            {"key": "received", "label": {"id": "Diterima", "en": "Received"},
             "limit": {"working_days": 2}},
            {"key": "answered", "label": {"id": "Dijawab", "en": "Answered"}},
            {"key": "closed", "label": {"id": "Selesai", "en": "Closed"}, "terminal": True},
        ],
        "transitions": [
            {"key": "answer", "label": "Jawab", "from": ["received"], "to": "answered",
             "roles": ["officer"],
             "inputs": [{"key": "response", "label": "Tanggapan", "type": "text",
                         "required": True, "public": True}]},
            {"key": "close", "label": "Tutup", "from": "answered", "to": "closed",
             "roles": ["officer", "tenant_admin"]},
        ],
    }  # fmt: skip


def refused(definition: Any) -> SopError:
    with translation.override("id"), pytest.raises(SopError) as caught:
        validate_sop(definition)
    return caught.value


def test_a_minimal_sop_is_valid() -> None:
    sop = validate_sop(minimal())
    assert [s.key for s in sop.states] == ["received", "answered", "closed"]
    assert sop.transition("answer") is not None
    assert [t.key for t in sop.transitions_from("answered")] == ["close"]
    limit = sop.state("received").limit  # type: ignore[union-attr]
    assert limit is not None and limit.as_json() == {"working_days": 2}


@pytest.mark.parametrize("kind", sorted(TEMPLATES))
def test_every_template_passes_the_validator(kind: str) -> None:
    sop = validate_sop(template_for(kind))
    assert sop.initial == "received" and sop.incomplete == "incomplete"
    # every step of every template names its legal basis
    assert all(s.legal_basis for s in sop.states), kind
    assert all(t.legal_basis for t in sop.transitions), kind


def test_templates_follow_the_seeds() -> None:
    disdukcapil = validate_sop(template_for(TenantKind.DISDUKCAPIL))
    assert disdukcapil.state("received").limit.as_json() == {"working_days": 2}  # type: ignore[union-attr]
    assert disdukcapil.case_limit is not None
    assert disdukcapil.case_limit.limit.as_json() == {"working_days": 5}
    assert disdukcapil.transition("answer_directly").sources == ("received",)  # type: ignore[union-attr]
    pemdes = validate_sop(template_for(TenantKind.PEMDES))
    outcome = pemdes.transition("decide_outcome")
    assert outcome is not None
    minutes = next(i for i in outcome.inputs if i.key == "minutes")
    assert (minutes.type, minutes.required) == ("file", True)  # berita acara, a real file
    kinds = next(i for i in outcome.inputs if i.key == "outcome_kind")
    assert [c.key for c in kinds.choices] == ["administrative", "corrective", "policy"]
    forward = pemdes.transition("forward")
    assert forward is not None and forward.roles == {"liaison"}
    lapor = validate_sop(template_for(TenantKind.PEMKAB))
    assert lapor.state("received").limit.as_json() == {"working_days": 3}  # type: ignore[union-attr]
    assert lapor.state("dispositioned").limit.as_json() == {"working_days": 5}  # type: ignore[union-attr]
    assert lapor.case_limit is not None and lapor.case_limit.limit.as_json() == {"days": 60}
    assert lapor.state("not_our_authority").terminal  # type: ignore[union-attr]
    assert template_for(TenantKind.OPD) == template_for(TenantKind.PEMKAB)


def test_template_copies_are_independent() -> None:
    first = template_for(TenantKind.PEMDES)
    first["states"].clear()
    assert template_for(TenantKind.PEMDES)["states"]


def test_unreachable_state_is_refused() -> None:
    definition = minimal()
    definition["states"].append({"key": "limbo", "label": "Limbo", "terminal": True})
    error = refused(definition)
    assert error.code == "sop.unreachable_state"
    assert error.extra["state"] == "limbo"
    assert error.message == "Keadaan limbo tidak dapat dicapai dari keadaan awal."


def test_no_terminal_state_is_refused() -> None:
    definition = minimal()
    definition["states"][2]["terminal"] = False
    error = refused(definition)
    assert error.code == "sop.no_terminal_state"


def test_unknown_role_is_refused() -> None:
    definition = minimal()
    definition["transitions"][0]["roles"] = ["officer", "camat"]
    error = refused(definition)
    assert error.code == "sop.unknown_role"
    assert error.extra["transition"] == "answer"
    assert "camat" in error.message


def test_empty_roles_are_refused() -> None:
    definition = minimal()
    definition["transitions"][0]["roles"] = []
    assert refused(definition).code == "sop.no_roles"


def test_transition_into_nowhere_is_refused() -> None:
    definition = minimal()
    definition["transitions"][1]["to"] = "nowhere"
    error = refused(definition)
    assert error.code == "sop.unknown_target"
    assert error.extra["transition"] == "close"
    assert error.message == "Langkah close menuju keadaan nowhere yang tidak ada."


def test_transition_from_unknown_state_is_refused() -> None:
    definition = minimal()
    definition["transitions"][1]["from"] = ["answered", "ghost"]
    error = refused(definition)
    assert error.code == "sop.unknown_state"
    assert error.extra["transition"] == "close"


def test_duplicate_keys_are_refused() -> None:
    states = minimal()
    states["states"].append(copy.deepcopy(states["states"][1]))
    assert refused(states).code == "sop.duplicate_state"
    transitions = minimal()
    transitions["transitions"].append(copy.deepcopy(transitions["transitions"][1]))
    error = refused(transitions)
    assert error.code == "sop.duplicate_transition"
    assert error.extra["transition"] == "close"


def test_terminal_state_with_outgoing_transitions_is_refused() -> None:
    definition = minimal()
    definition["transitions"].append(
        {"key": "reopen", "label": "Buka lagi", "from": "closed", "to": "received",
         "roles": ["officer"]}
    )  # fmt: skip
    error = refused(definition)
    assert error.code == "sop.terminal_has_transitions"
    assert error.extra["transition"] == "reopen"


@pytest.mark.parametrize(
    "limit",
    [{"weeks": 2}, {"working_days": 0}, {"working_days": -1}, {"hours": 1.5},
     {"days": "5"}, {"working_days": 2, "hours": 3}, {}, {"days": True}, {"days": 100000}],
)  # fmt: skip
def test_bad_limits_are_refused(limit: dict[str, Any]) -> None:
    definition = minimal()
    definition["states"][0]["limit"] = limit
    error = refused(definition)
    assert error.code == "sop.bad_limit"
    assert error.extra["path"] == "states[0].limit"


def test_missing_initial_state_is_refused() -> None:
    missing = minimal()
    del missing["initial"]
    assert refused(missing).code == "sop.missing_initial"
    unknown = minimal()
    unknown["initial"] = "start"
    assert refused(unknown).code == "sop.missing_initial"


def test_dead_end_state_is_refused() -> None:
    definition = minimal()
    definition["transitions"][1]["from"] = ["received"]
    error = refused(definition)
    assert error.code == "sop.dead_end_state"
    assert error.extra["state"] == "answered"


def test_bad_inputs_are_refused() -> None:
    unknown_type = minimal()
    unknown_type["transitions"][0]["inputs"][0]["type"] = "video"
    assert refused(unknown_type).code == "sop.bad_input"
    empty_choice = minimal()
    empty_choice["transitions"][0]["inputs"][0].update(type="choice", choices=[])
    assert refused(empty_choice).code == "sop.bad_input"
    bad_group = minimal()
    bad_group["transitions"][0]["inputs"].append(
        {"key": "action", "label": "Aksi", "type": "choice", "depends_on": "response",
         "choices": [{"key": "a", "label": "A", "group": "x"}]}
    )  # fmt: skip
    assert refused(bad_group).code == "sop.bad_input"
    # A public file is a response file (shown on the tracking page); a public yes/no is
    # nothing a complainant could read.
    public_file = minimal()
    public_file["transitions"][0]["inputs"].append(
        {"key": "letter", "label": "Surat jawaban", "type": "file", "public": True}
    )
    validate_sop(public_file)
    public_flag = minimal()
    public_flag["transitions"][0]["inputs"].append(
        {"key": "flag", "label": "Tanda", "type": "boolean", "public": True}
    )
    assert refused(public_flag).code == "sop.bad_input"
    assert "flag" in refused(public_flag).message


def test_malformed_json_shapes_are_refused_with_a_path() -> None:
    assert refused([]).code == "sop.invalid"
    no_states = minimal()
    no_states["states"] = {"received": {}}
    error = refused(no_states)
    assert (error.code, error.extra["path"]) == ("sop.invalid", "states")
    bad_key = minimal()
    bad_key["states"][0]["key"] = "Diterima Baru"
    error = refused(bad_key)
    assert (error.code, error.extra["path"]) == ("sop.invalid_key", "states[0].key")


def test_every_problem_is_listed_and_messages_are_translated() -> None:
    # Given an SOP with two problems
    definition = minimal()
    definition["transitions"][0]["roles"] = ["camat"]
    definition["transitions"][1]["to"] = "nowhere"
    # When it is validated in English
    with translation.override("en"), pytest.raises(SopError) as caught:
        validate_sop(definition)
    # Then both are listed, in English
    problems = caught.value.extra["problems"]
    assert [p["code"] for p in problems] == ["sop.unknown_role", "sop.unknown_target"]
    assert caught.value.message == "Step answer names an unknown role: camat."
    assert problems[1]["message"] == "Step close leads to state nowhere, which does not exist."


def test_labels_follow_the_language() -> None:
    sop = parse_sop(minimal())
    received = sop.state("received")
    assert received is not None
    with translation.override("en"):
        assert str(received.label) == "Received"
    with translation.override("id"):
        assert str(received.label) == "Diterima"
    answer = sop.transition("answer")
    assert answer is not None
    with translation.override("en"):
        assert str(answer.label) == "Jawab"  # no English given: Indonesian


def test_approval_names_roles_that_may_approve_answers() -> None:
    # Given the head (Capability.APPROVE_ANSWER) as approver: valid, and parsed
    approved = minimal()
    approved["transitions"][0]["approval"] = ["head"]
    answer = validate_sop(approved).transition("answer")
    assert answer is not None and answer.approval == frozenset({"head"})
    # An officer does not hold the capability, an unknown role less so, a text is no list
    for approval in (["officer"], ["kepala"]):
        bad = minimal()
        bad["transitions"][0]["approval"] = approval
        error = refused(bad)
        assert (error.code, error.extra["transition"]) == ("sop.bad_approval", "answer")
    not_a_list = minimal()
    not_a_list["transitions"][0]["approval"] = "head"
    assert refused(not_a_list).extra["path"] == "transitions[0].approval"


def test_disdukcapil_final_answer_needs_the_heads_approval() -> None:
    sop = validate_sop(template_for(TenantKind.DISDUKCAPIL))
    answer = sop.transition("answer")
    assert answer is not None and answer.approval == frozenset({"head"})
    letter = next(i for i in answer.inputs if i.key == "letter")
    assert (letter.type, letter.public, letter.required) == ("file", True, False)
    # the simple answer at the desk needs none
    direct = sop.transition("answer_directly")
    assert direct is not None and direct.approval == frozenset()
