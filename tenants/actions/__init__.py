"""Write paths of the tenants app, one module per capability (Zulip's `zerver/actions/`):
`onboarding` (tenants, regencies, agencies, village desks), `members` (roles, invitations) and
`lifecycle` (suspend, reactivate, archive, delete). Each `do_<verb>_<noun>` is the only code that
does its job; import it from its module."""
