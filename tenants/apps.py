from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Tenants"

    def ready(self) -> None:
        # deferred import: the jobs that actions name (aduan.jobs.actor_of), once models exist.
        from tenants import tasks  # noqa: F401
        from tenants.auth import tasks as auth_tasks  # noqa: F401
