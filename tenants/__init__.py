"""Tenants (SHARED app, public schema): government bodies, regions, users and provisioning."""
