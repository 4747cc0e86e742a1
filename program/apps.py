from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class ProgramConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "program"
    verbose_name = "Conference program"

    def ready(self):
        from program.machinery import stamps

        # The database stamps updated_at in commit order (program/machinery/stamps.py).
        post_migrate.connect(stamps.install_after_migrate, sender=self)
        connection_created.connect(stamps.install_on_new_connection)
