"""Billing (SHARED app): plans, accounts, usage and invoices. Kept apart like Zulip's corporate/:
complaints never imports billing; billing meters the events it needs itself."""
