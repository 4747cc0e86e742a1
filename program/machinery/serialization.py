"""JSON for backups that keeps times to the microsecond (``dumpdata --format exactjson``).

Django's JSON serializer writes times to the millisecond (ECMA-262's precision), so a
backup loaded back would move every ``updated_at`` a little, and an app syncing with
``updated_since`` could see a talk's time go back. Loading reads it as plain JSON.
"""

import datetime as dt

from django.core.serializers import json
from django.core.serializers.json import DjangoJSONEncoder


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, (dt.datetime, dt.time)):
            return o.isoformat()
        return super().default(o)


class Serializer(json.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactJSONEncoder


Deserializer = json.Deserializer
