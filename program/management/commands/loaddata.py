"""Django's ``loaddata``, keeping the ``updated_at`` the fixture gives (machinery/stamps.py).

The database otherwise stamps every write with the time it commits; a fixture or a backup
carries the times of its rows, and loading it must not pretend they all changed now.
"""

from django.core.management.commands import loaddata

from program.machinery.stamps import keep_given_stamps


class Command(loaddata.Command):
    def loaddata(self, fixture_labels):
        # Called inside the command's transaction.
        with keep_given_stamps(self.using):
            super().loaddata(fixture_labels)
