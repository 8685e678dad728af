"""The AppConfig of every WuyeDesk app: each app registers what it owns, in its own modules.

At start-up (`ready`) an app's `resources.py` (its records for the generic pages and the API,
core/resources.py) and `receivers.py` (the reference data it owns, core/reference.py, and its
reactions to the signals of the apps below it) are imported, if it has them. The imports
happen here, once, the way Django's admin discovers `admin.py`, instead of one import inside
every app's `ready`. An app's apps.py imports this module, not the class, so that Django
still finds exactly one AppConfig in it.
"""

from importlib import import_module

from django.apps import AppConfig
from django.utils.module_loading import module_has_submodule

REGISTERING_MODULES = ("resources", "receivers")


class WuyeDeskAppConfig(AppConfig):
    def ready(self):
        for name in REGISTERING_MODULES:
            if module_has_submodule(self.module, name):
                import_module(f"{self.name}.{name}")
