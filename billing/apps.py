from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        # deferred import: Django's ready() (the jobs register with the broker on import)
        from billing import tasks  # noqa: F401
