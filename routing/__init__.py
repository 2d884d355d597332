"""Routing ("no wrong door"), a SHARED app (public schema): the category catalogue and the
authority directory, the router that proposes which body should handle a complaint and the
disposition that says what to do with it (routing.disposition.dispose), tracking codes and
journeys, the regency triage queue, SP4N-LAPOR! referrals and region boundaries.

It never imports `complaints` or `integrations`: it decides, complaints carries the decision
out (complaints.actions.dispose.do_carry_out_disposition)."""
