from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate


class ProgramConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "program"
    verbose_name = "Conference program"

    def ready(self):
        from program.machinery import collation, stamps

        # The database stamps updated_at in commit order (program/machinery/stamps.py).
        pre_migrate.connect(stamps.drop_before_migrate, sender=self)
        post_migrate.connect(stamps.install_after_migrate, sender=self)
        connection_created.connect(stamps.install_on_new_connection)
        # Names and titles sort as people read them (program/machinery/collation.py).
        connection_created.connect(collation.register_on_new_connection)
