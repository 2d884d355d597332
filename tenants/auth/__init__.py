"""Members, invitations and sign-in (two-factor): pages, API, reads, errors, jobs."""
