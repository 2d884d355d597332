"""Billing's tests share the loopback SMTP server of the integrations' tests (the invoice run
e-mails the PDF through Django's SMTP backend)."""

from tests.integrations.conftest import smtp as smtp
