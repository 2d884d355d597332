"""Billing's writers (do_<verb>_<noun>): the only code that writes billing's tables and the
tenants' entitlements."""
