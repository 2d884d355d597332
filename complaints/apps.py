from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "Complaints"

    def ready(self) -> None:
        # deferred import: the jobs that actions name (aduan.jobs.actor_of), once models exist.
        from complaints import tasks  # noqa: F401
