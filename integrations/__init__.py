"""Adapters to outside systems, one subpackage each (whatsapp, sms, email, open311, lapor)."""
