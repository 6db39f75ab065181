"""The data generator: a realistic, deterministic database at the size of a global
organisation, written through bulk paths (``pourparler generate``)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class GenerateConfig(AppConfig):
    name = "pourparler.generate"
    label = "generate"
    verbose_name = gettext_lazy("Data generator")
