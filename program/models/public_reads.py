"""Talks read as the public sees them, and the check that keeps every public read honest.

A talk's ``status``, ``start``, ``end`` and ``room`` are the organisers' working version;
``public_*`` what the public sees (program/models/releases.py). The two are equal unless the
talk's edition holds changes for release, so a public reader that filtered, ordered or
loaded a working name would look right in every edition but one that holds changes, and
would show unreleased changes there. Public QuerySets (``Talk.objects.published()``,
``listed_in()``, ``scheduled()``, ``as_public()``) therefore carry a PublicQuery, which
refuses to compile (WorkingFieldRead) when the query, or a subquery built from it, names a
working field: in a filter, an ordering, values(), an annotation, a join, select_related(),
or only()/defer() loading a working field without its public one. Talks they return carry
the public values in the working names (PublicTalkIterable), and a deferred field read later
loads the public value (Talk.refresh_from_db()).

Public talks are ordered as ``Talk.Meta.ordering`` says, in public names (PUBLIC_ORDERING),
by an explicit ORDER BY: unlike Meta's, it takes part in a ``values().annotate()``
grouping, so such a query starts with ``order_by()``.
"""

from django.core.exceptions import FieldError
from django.db.models import F
from django.db.models.expressions import Col
from django.db.models.lookups import Lookup
from django.db.models.query import ModelIterable
from django.db.models.sql import Query
from django.db.models.sql.datastructures import Join
from django.db.models.sql.where import WhereNode

# A talk's working field (attname) -> the public one it is copied to.
HELD_FIELDS = {
    "status": "public_status",
    "start": "public_start",
    "end": "public_end",
    "room_id": "public_room_id",
}
# Every name of a working field (the room by name or attname) -> its public name.
PUBLIC_NAMES = {"status": "public_status", "start": "public_start", "end": "public_end"}
PUBLIC_NAMES |= {"room": "public_room", "room_id": "public_room_id"}

# Talk.Meta.ordering in public names: the order public talks come in unless told.
PUBLIC_ORDERING = ("public_start", "public_room__position", "title")


class WorkingFieldRead(FieldError):
    """A public read of talks named a working field (``start``...) for its public one."""

    def __init__(self, name, where):
        public = PUBLIC_NAMES.get(name, name)
        super().__init__(
            f"Talks read as the public sees them use “{public}”, not the working “{name}” "
            f"({where}); organisers' unreleased changes would show otherwise."
        )


class PublicQuery(Query):
    """A query of talks read as the public sees them: checked before every compilation
    (a fetch, count(), exists(), or a subquery in another query)."""

    def get_compiler(self, *args, **kwargs):
        check_public(self)
        return super().get_compiler(*args, **kwargs)


def check_public(query):
    """Raise WorkingFieldRead if ``query`` (of talks) names a talk's working field."""
    model = query.model
    for where, expressions in (
        ("filter", [query.where]),
        ("values", query.select),
        ("annotation", query.annotations.values()),
        ("grouping", query.group_by if isinstance(query.group_by, tuple) else ()),
    ):
        for column in columns(expressions):
            if column.target.model is model and column.target.attname in HELD_FIELDS:
                raise WorkingFieldRead(column.target.attname, where)
    for alias, join in query.alias_map.items():
        if isinstance(join, Join) and query.alias_refcount.get(alias):
            field = getattr(join.join_field, "field", join.join_field)  # a reverse join's
            if field.model is model and field.attname == "room_id":
                raise WorkingFieldRead("room", "a join")
    ordering = query.order_by
    if not ordering and query.default_ordering and not query.extra_order_by:
        ordering = model._meta.ordering  # Talk.Meta's: as_public() sets its own
    for item in ordering:
        name = item.lstrip("-") if isinstance(item, str) else named(item)
        if name and name.split("__")[0] in PUBLIC_NAMES:
            raise WorkingFieldRead(name.split("__")[0], "ordering")
    if isinstance(query.select_related, dict) and "room" in query.select_related:
        raise WorkingFieldRead("room", "select_related")
    names, defer = query.deferred_loading
    top = {name.split("__")[0] for name in names}
    attnames = {field.name: field.attname for field in model._meta.concrete_fields}
    top = {attnames.get(name, name) for name in top}
    for working, public in HELD_FIELDS.items():
        loaded = (working not in top) if defer else (working in top)
        if names and loaded and ((public in top) if defer else (public not in top)):
            raise WorkingFieldRead(working, "only() or defer() without the public field")


def columns(expressions):
    """The columns that ``expressions`` read in their own query (subqueries check
    themselves when they compile)."""
    for expression in expressions:
        if isinstance(expression, Col):
            yield expression
        elif isinstance(expression, Query) or hasattr(expression, "query"):
            continue
        elif isinstance(expression, WhereNode):
            yield from columns(expression.children)
        elif isinstance(expression, Lookup):
            yield from columns([expression.lhs, expression.rhs])
        elif hasattr(expression, "get_source_expressions"):
            yield from columns(expression.get_source_expressions())


def named(expression):
    """The field name an ordering expression (``F("start").desc()``) orders by, if any."""
    if isinstance(expression, F):
        return expression.name
    for source in getattr(expression, "get_source_expressions", list)():
        name = named(source)
        if name:
            return name
    return None


def as_public(queryset):
    """``queryset`` (of talks) read as the public sees it: its query checked (PublicQuery),
    ordered as Talk.Meta says in public names unless ordered already, its talks carrying the
    public values (PublicTalkIterable)."""
    clone = queryset._chain()
    clone.query.__class__ = PublicQuery
    if not clone.query.order_by and clone.query.default_ordering:
        clone.query.add_ordering(*PUBLIC_ORDERING)
    clone._iterable_class = PublicTalkIterable
    return clone


def show_public(talk):
    """Put the loaded public status, start, end and room of ``talk`` in the working names
    and mark it ``read_as_public`` (Talk.save() refuses it)."""
    loaded = talk.__dict__
    for working, public in HELD_FIELDS.items():
        if public in loaded:  # not deferred by only() or defer()
            setattr(talk, working, loaded[public])
    if talk.__class__.public_room.is_cached(talk):
        talk.room = talk.public_room
    talk.read_as_public = True


class PublicTalkIterable(ModelIterable):
    """Talks as the public sees them: their ``status``, ``start``, ``end`` and ``room`` are
    the public ones, and ``read_as_public`` is set (Talk.save() refuses them).

    Pages, feeds and the API read ``talk.start``, ``talk.room``... and show the last
    release without knowing of releases. The public room is the one select_related()
    loaded as ``public_room`` (for_program() loads it), else it is read when used.
    """

    def __iter__(self):
        for talk in super().__iter__():
            show_public(talk)
            yield talk
