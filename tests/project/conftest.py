"""What the tests that start app servers share (test_coherence.py, test_deploy_recipe.py)."""

import os
from urllib.parse import quote

import pytest
from django.db import connection


def database_url(name=None):
    """The suite's (test) database as a DATABASE_URL for the servers; ``name`` another
    database on the same server."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{quote(db['USER'], safe='')}{password}@{host}/{name or db['NAME']}"


@pytest.fixture
def cache_url(request):
    """CACHE_URL when the suite has one (its own Redis database), else a private redis-server."""
    if os.environ.get("CACHE_URL"):
        return os.environ["CACHE_URL"]
    return request.getfixturevalue("redis_server").url
