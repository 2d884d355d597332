from django.apps import AppConfig


class ComplaintsPublicConfig(AppConfig):
    """The complaint side's tables that live once, in the public schema, for all tenants: the
    SLA deadline index, the local holidays and the staff notifications. A SHARED app of its
    own, nested in complaints (the TENANT app): one indexed sweep reads them across every
    tenant, and a table per tenant schema would be multiplied by the fleet."""

    name = "complaints.public"
    label = "complaints_public"
    verbose_name = "Complaints (public schema)"
