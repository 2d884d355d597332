"""Aduan: the deployment-wide Django project (settings, URLconfs, entry points, web UI base)."""
