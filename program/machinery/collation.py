"""Names and titles sort as people read them, the same on SQLite and PostgreSQL.

A database's default order compares code points (SQLite's BINARY, PostgreSQL's "C") or
follows the server's locale, so "bell hooks", "danah boyd", "Élodie" and "Ümit" came after
"Zoe". The columns people read in order (names and titles) carry the collation ``READING``
instead (``db_collation``), so every ORDER BY on them, from the ORM, the admin, the API or a
page, sorts alike:

- PostgreSQL: an ICU collation, created by migration ``0014_reading_order``: the Unicode
  Collation Algorithm's root order compared at the first level (``und-u-ks-level1``: case
  and accents ignored), ties broken by the bytes (it is deterministic, so ``=`` and ``LIKE``
  keep comparing exact text).
- SQLite: a collation of the same name registered on each connection
  (``register_on_new_connection``), comparing ``reading_key``: the first-level weights of
  the same algorithm (pyuca, with the Unicode consortium's table), then the UTF-8 bytes.

Programs other than the site (the ``sqlite3`` shell) do not know the collation: they read
the tables and sort with ``ORDER BY name COLLATE BINARY``, but cannot write the tables whose
collated names are indexed (editions, speakers, talk types; docs/operators/deploy.md).
"""

import functools
import itertools
import unicodedata

import pyuca

READING = "reading_order"

# CREATE COLLATION for PostgreSQL (ICU provider; PostgreSQL 15 and later, as supported).
POSTGRESQL_CREATE = (
    f'CREATE COLLATION IF NOT EXISTS "{READING}" '
    "(provider = icu, locale = 'und-u-ks-level1', deterministic = true)"
)
POSTGRESQL_DROP = f'DROP COLLATION IF EXISTS "{READING}"'


@functools.cache
def _collator():
    """pyuca's table of the Unicode Collation Algorithm, read once, when first sorted by
    (reading it takes a second)."""
    return pyuca.Collator()


@functools.lru_cache(maxsize=65536)
def reading_key(text):
    """The key of ``text`` in reading order: (first-level weights, UTF-8 bytes).

    The weights ignore case and accents ("Élodie" sorts with "elodie"); the bytes break
    ties as PostgreSQL does ("Zoe" before "zoe"), so only equal strings compare equal.
    """
    decomposed = unicodedata.normalize("NFD", text)
    # The table's first characters; one with children may start a contraction, several
    # characters weighed together ("l·"), when the next one continues it or is a mark.
    first = _collator().table.root.children
    weights = []
    for char, following in itertools.zip_longest(decomposed, decomposed[1:]):
        node = first.get(ord(char))
        contracts = node is not None and node.children is not None and following
        if contracts and (ord(following) in node.children or unicodedata.combining(following)):
            weights = _primary_weights(decomposed)  # weighed whole, as pyuca does
            break
        weights.extend(_character_weights(char))
    return tuple(weights), text.encode()


@functools.cache
def _character_weights(char):
    """A character's first-level weights alone: a text is weighed character by character
    but for contractions, each character's weights read from the table once."""
    return tuple(_primary_weights(char))


def _primary_weights(decomposed):
    return [element[0] for element in _collator().collation_elements(decomposed) if element[0]]


def compare(first, second):
    """SQLite's collation callback: negative, zero or positive, as ``first`` sorts."""
    first_key, second_key = reading_key(first), reading_key(second)
    return (first_key > second_key) - (first_key < second_key)


def register_on_new_connection(sender, connection, **kwargs):
    """connection_created: SQLite collations live as long as the connection."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(READING, compare)


def create_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_CREATE)


def drop_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)
