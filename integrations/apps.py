from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        # deferred import: Django's place to load what registers itself (the inbound channel
        # handlers) and the jobs that actions name (aduan.jobs.actor_of), once models exist.
        from integrations import handlers, tasks  # noqa: F401
