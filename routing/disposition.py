"""The disposition: what to do with a complaint, decided once for every caller.

The router (routing.router.propose) says where a complaint should go; `dispose` turns that
proposal, seen from where the complaint is now, into one of four things to do:

- FORWARD to a tenant (a new complaint is filed there; a held one moves there);
- TRIAGE at a regency government: it holds the complaint (filed or moved there first) and the
  complaint enters its regency admin's triage queue;
- LAPOR: no body on Aduan can take it: refer it to SP4N-LAPOR!;
- KEEP: it stays where it is, whose officers decide (the router was unsure elsewhere, or
  already sure it belongs here);
- SUGGEST: it would move elsewhere, but its holder asks to be asked (a village's own door):
  the proposal waits on the complaint for an officer's decision.

Routing only decides: complaints.actions.dispose.do_carry_out_disposition carries out every
disposition, for every door, and is the one place that branches on `Disposition.action`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.utils.translation import gettext as _

from routing.models import HopKind
from routing.router import Outcome, Proposal
from routing.selectors import higher_authority
from tenants.models import Tenant


class Action(enum.StrEnum):
    FORWARD = "forward"
    TRIAGE = "triage"
    LAPOR = "lapor"
    KEEP = "keep"
    # It would move to `to`, but its holder's setting says ask first (routing.models.OwnDoor):
    # the proposal is shown on the complaint; an officer forwards it with one click or keeps it.
    SUGGEST = "suggest"


@dataclass(frozen=True)
class Disposition:
    action: Action
    # The tenant to file at or move to (FORWARD), or whose triage queue takes it (TRIAGE).
    to: Tenant | None
    # Why, as the timeline, the journey and SP4N-LAPOR! show it.
    reason: str
    # How a move shows on the journey: the router's own (ROUTE) or a person's (FORWARD).
    hop_kind: HopKind
    proposal: Proposal


def dispose(
    proposal: Proposal,
    *,
    holder: Tenant | None = None,
    handed_over: bool = False,
    said: str = "",
    ask_first: bool = False,
) -> Disposition:
    """What to do with the complaint `proposal` is about.

    `holder`: the tenant holding it now (None: a new complaint at a front door, not filed
    anywhere yet). `handed_over`: its holder said it is not theirs ("bukan wewenang"), so an
    unsure proposal elsewhere moves it to that triage queue instead of leaving it where it is.
    `said`: the reason a person gave, put before the router's. `ask_first`: a move away from
    the holder is only proposed (its own-door setting)."""
    reason = f"{said}; {proposal.reason}" if said else proposal.reason
    hop_kind = HopKind.FORWARD if handed_over else HopKind.ROUTE
    target = proposal.target

    def decided(action: Action, to: Tenant | None) -> Disposition:
        return Disposition(action, to, reason, hop_kind, proposal)

    if target is None:
        return decided(Action.LAPOR, None)
    unsure = proposal.outcome is Outcome.TRIAGE
    if holder is None:
        return decided(Action.TRIAGE if unsure else Action.FORWARD, target)
    if target.pk == holder.pk:
        # Its holder is where the router would send it: an unsure one (or one its holder
        # handed over) waits in the holder's own triage queue.
        return decided(Action.TRIAGE if unsure or handed_over else Action.KEEP, holder)
    if not unsure:
        return decided(Action.SUGGEST if ask_first else Action.FORWARD, target)
    if handed_over:
        return decided(Action.TRIAGE, target)
    return decided(Action.KEEP, holder)


def refer_up(*, holder: Tenant, said: str) -> Disposition:
    """ "Teruskan ke instansi di atasnya" (a village passes a complaint up, seed 003): to the
    holder's higher authority (routing.selectors.higher_authority), else to SP4N-LAPOR!.
    `said`: the officer's reason, put first."""
    higher = higher_authority(holder)
    regency_code = (holder.region_id or "")[:5]
    if higher is not None:
        why = _("diteruskan ke instansi di atasnya: %(name)s") % {"name": higher.name}
        proposal = Proposal(Outcome.ROUTE, higher, None, None, regency_code, [why])
        return Disposition(Action.FORWARD, higher, f"{said}; {why}", HopKind.FORWARD, proposal)
    why = _("tidak ada instansi di atasnya di Aduan: diteruskan ke SP4N-LAPOR!")
    proposal = Proposal(Outcome.LAPOR, None, None, None, regency_code, [why])
    return Disposition(Action.LAPOR, None, f"{said}; {why}", HopKind.FORWARD, proposal)
