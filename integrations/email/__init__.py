"""E-mail channel: inbound by a raw-MIME webhook and by IMAP polling per tenant, replies
threaded onto their complaint by a token in the Reply-To address or the subject, outbound by
SMTP (Django's e-mail backend, settings ADUAN_EMAIL_*)."""
