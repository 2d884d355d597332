from django.apps import AppConfig
from django.core.signals import request_finished
from django.db.backends.signals import connection_created

from aduan.db import close_obsolete_public_connection, plan_once


class AduanConfig(AppConfig):
    name = "aduan"
    verbose_name = "Aduan platform"

    def ready(self) -> None:
        # Django closes its own connections past their age at a request's end; the public
        # schema's connection is not one of them (aduan.db.public_connection).
        request_finished.connect(
            close_obsolete_public_connection, dispatch_uid="aduan.close_public_connection"
        )
        connection_created.connect(plan_once, dispatch_uid="aduan.plan_once")
