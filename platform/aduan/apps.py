from django.apps import AppConfig


class AduanConfig(AppConfig):
    name = "aduan"
    verbose_name = "Aduan platform"
