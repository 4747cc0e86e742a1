"""An edition's pages inside another site's ``<iframe>`` (``/<edition>/embed/...``), and the
script a host page includes to size those frames (``/<edition>/embed.js``).

An embed is the program, timetable, speakers or now page itself (the same view, with
``embed=True``) in a layout without the site's header, footer and yearly menu. What makes it
safe to frame, and harmless to the host's visitors:

- **Who may frame it**: ``Content-Security-Policy: frame-ancestors 'self'`` plus the origins
  the organisers list on the edition (``Conference.embed_origins``); with none listed, only
  the site itself. Every other page keeps ``frame-ancestors 'none'`` and
  ``X-Frame-Options: DENY`` (machinery/middleware.py, Django's middleware).
- **Where its links go**: ``<base target="_blank">`` in the layout, so a talk or a speaker
  opens on the full site in a new tab (a ``_blank`` link has no ``window.opener``: HTML's
  rule, the same as ``rel=noopener``), or ``?target=parent`` makes it ``_parent``: the host
  page itself goes to the talk. The rows are kept byte for byte as the full pages' (the
  row cache of pages/listing.py serves both); the filters' form and the links between days
  and views say ``target="_self"`` to stay in the frame, and carry ``target`` along.
- **What it leaves behind**: nothing. It sets no cookie and never reads the session (no
  staff preview in a frame), and static/js/site.js shows no stars in it, so it writes no
  storage either: a host's privacy policy needs no line for it.
"""

from django.http import Http404
from django.template.response import TemplateResponse

from program.machinery.middleware import content_security_policy
from program.models import Conference

# ``?target=`` values: where the frame's links to the full site open.
LINK_TARGETS = {"": "_blank", "parent": "_parent"}


def target_error(params):
    """The error of a ``target`` parameter that is not one of LINK_TARGETS, as
    pages/base.py filter_errors gives them, or None."""
    value = params.get("target", "")
    if value in LINK_TARGETS:
        return None
    return {
        "name": "target",
        "label": "Target",
        "message": f"“{value}” is not a target; leave it out (a new tab) or give “parent”.",
    }


def frame_ancestors(conference):
    """The ``frame-ancestors`` sources of ``conference``'s embeds: the site, then each
    listed origin."""
    return " ".join(["'self'", *conference.embed_origin_list()])


def allow_framing(response, conference):
    """``response`` (an embed) may be framed by ``conference``'s origins.

    Its own CSP wins over the middleware's (which sets it only when absent). Django's
    X-Frame-Options middleware would send DENY: an edition without origins sends
    SAMEORIGIN (what its CSP says, for browsers that read only the older header); one with
    origins sends none, since X-Frame-Options cannot name another site."""
    policy = content_security_policy(frame_ancestors=frame_ancestors(conference))
    response.headers["Content-Security-Policy"] = policy
    if conference.embed_origin_list():
        response.xframe_options_exempt = True
    else:
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def framable(view):
    """``view`` (cached) with Django's X-Frame-Options DENY left off when the response
    lists origins: a response answered from the cache is a new object, without the
    ``xframe_options_exempt`` mark the build set, so the mark is read from its CSP."""

    def framable_view(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        policy = response.headers.get("Content-Security-Policy", "")
        if "X-Frame-Options" not in response.headers and "frame-ancestors 'self'" in policy:
            response.xframe_options_exempt = True
        return response

    framable_view.__name__ = getattr(view, "__name__", "framable_view")
    return framable_view


def embed_context(request, conference):
    """What the embed layout and its pages need: ``embed``, ``link_target`` (the links'
    ``<base target>``), ``target`` (the parameter's value, "" or "parent", for the forms'
    hidden field), ``kept_query`` (``?target=parent`` or "", for links back to a page
    without filters) and ``embed_origins`` (space-separated: where the frame posts its
    height, static/js/embed-frame.js)."""
    target = request.GET.get("target", "")
    return {
        "embed": True,
        "link_target": LINK_TARGETS.get(target, "_blank"),
        "target": target,
        "kept_query": f"?target={target}" if target else "",
        "embed_origins": " ".join(conference.embed_origin_list()),
    }


def bad_target(view, request):
    """The 400 page of an embed whose ``target`` is not one of LINK_TARGETS."""
    context = view.get_context_data(errors=[target_error(request.GET)])
    return TemplateResponse(request, "program/embed_error.html", context, status=400)


def embed_script(request, edition):
    """``/<edition>/embed.js``: the script a host page includes to size its frames of this
    site's embeds (templates/program/embed.js), with this site's origin written in.

    JavaScript, cacheable like the pages (cached() in urls.py), and
    ``Cross-Origin-Resource-Policy: cross-origin``: the site's ``same-site`` would stop a
    host page on another site from loading it. 404 for an edition that is not published.
    """
    if not Conference.objects.published().filter(slug=edition).exists():
        raise Http404("No published edition has this name.")
    origin = f"{request.scheme}://{request.get_host()}"
    response = TemplateResponse(
        request,
        "program/embed.js",
        {"origin": origin, "edition": edition},
        content_type="text/javascript; charset=utf-8",
    )
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
