"""Aduan's database engine: django-tenants' PostgreSQL backend with what a fleet needs
(`aduan.postgresql.base.DatabaseWrapper`)."""
