"""The admin's "Import schedule" page: upload, preview (a dry run), confirm.

Between preview and confirm the file waits in the session (base64, at most
``MAX_UPLOAD_BYTES``), so the organiser does not upload it twice and every app server
behind a load balancer can confirm it. A token ties the confirmation to the preview shown.
"""

import base64
import secrets

from django import forms
from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.files.base import ContentFile
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

from program.importers import ImportFailed, import_schedule
from program.machinery.middleware import logged_refusal, upload_limit
from program.models import (
    Conference,
    Room,
    Speaker,
    Talk,
    TalkType,
    Track,
    validate_timezone,
)

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# The form around the file: its fields and the multipart boundaries.
FORM_ALLOWANCE = 64 * 1024
SESSION_KEY = "program_import"


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text="A frab schedule (.xml or .json, e.g. from pretalx or frab), "
        "or a spreadsheet (.csv, or .xlsx with a sheet “Talks”)."
    )
    conference = forms.ModelChoiceField(
        Conference.objects.all(),
        required=False,
        to_field_name="slug",
        label="Edition",
        help_text="Required for a spreadsheet. For a frab file: the edition to update.",
    )
    new_conference = forms.SlugField(
        required=False,
        label="New edition slug",
        help_text="For a frab file that starts a new edition; "
        "leave both empty to use the file's acronym.",
    )
    new_conference_name = forms.CharField(
        required=False,
        max_length=Conference._meta.get_field("name").max_length,
        label="New edition name",
        help_text="For a frab file that starts a new edition (e.g. “MLSys 2027”); "
        "leave it empty to use the file's title. No other edition may have it.",
    )
    timezone = forms.CharField(
        required=False,
        max_length=Conference._meta.get_field("timezone").max_length,
        validators=[validate_timezone],
        label="Timezone",
        help_text="The zone of the file's times (e.g. Europe/Brussels): needed when the file "
        "names none and starts a new edition, or names another zone than the edition's.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; "
                f"the limit is {filesizeformat(MAX_UPLOAD_BYTES)}."
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("conference") and cleaned.get("new_conference"):
            raise forms.ValidationError("Choose an edition or give a new slug, not both.")
        if cleaned.get("conference") and cleaned.get("new_conference_name"):
            self.add_error(
                "new_conference_name",
                "A name is for a new edition: an existing one is renamed on its own page.",
            )
        return cleaned

    def conference_slug(self):
        conference = self.cleaned_data.get("conference")
        return conference.slug if conference else self.cleaned_data.get("new_conference") or None


def permission_label(action, model):
    """The admin's name of a permission: "Can add talk"."""
    return f"Can {action} {model._meta.verbose_name}"


def missing_permissions(user, needed):
    """The labels of the (action, model) pairs in ``needed`` that ``user`` lacks, in order."""
    return [
        permission_label(action, model)
        for action, model in needed
        if not user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")
    ]


def refused(request, context, message):
    """403 with the message on an admin page (a custom admin view's permission refusal)."""
    response = render(
        request, "admin/permission_denied.html", {**context, "message": message}, status=403
    )
    return logged_refusal(request, response)


# Any import may add and change talks: the page asks for both.
IMPORT_PERMISSIONS = [("add", Talk), ("change", Talk)]


def result_permissions(result):
    """The (action, model) permissions the writes of an ImportResult need, as the admin
    demands them for the same writes."""
    writes = [
        (result.conference_created, "add", Conference),
        (result.rooms_created, "add", Room),
        (result.speakers_created, "add", Speaker),
        (result.speakers_updated, "change", Speaker),
        (result.types_created, "add", TalkType),
        (result.tracks_created, "add", Track),
    ]
    return [(action, model) for done, action, model in writes if done]


@upload_limit(MAX_UPLOAD_BYTES + FORM_ALLOWANCE)
def import_schedule_view(request):
    """Staff with the permissions the import's writes need (mounted with
    ``admin.site.admin_view``, which lets staff in and protects from CSRF); else 403
    naming the permissions missing."""
    context = {**admin.site.each_context(request), "title": "Import schedule"}
    if missing := missing_permissions(request.user, IMPORT_PERMISSIONS):
        return refused(
            request,
            context,
            "Importing a schedule needs the permissions “Can add talk” and “Can change "
            f"talk”; your account lacks {_listed(missing)}.",
        )
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, context)

    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        stored = {
            "token": secrets.token_urlsafe(16),
            "name": upload.name,
            "data": base64.b64encode(data).decode("ascii"),
            "conference": form.conference_slug(),
            "conference_name": form.cleaned_data["new_conference_name"] or None,
            "timezone": form.cleaned_data["timezone"] or None,
        }
        try:
            result = _run(stored, dry_run=True)
        except ImportFailed as failure:
            context.update(form=form, problems=failure.problems)
        else:
            if missing := missing_permissions(request.user, result_permissions(result)):
                return refused(request, context, _lacking(upload.name, missing))
            request.session[SESSION_KEY] = stored
            return render(
                request,
                "admin/program/import_preview.html",
                {**context, "result": result, "token": stored["token"], "name": upload.name},
            )
    context.setdefault("form", form)
    return render(request, "admin/program/import_form.html", context)


def _confirm(request, context):
    stored = request.session.get(SESSION_KEY)
    if not stored or stored["token"] != request.POST.get("token"):
        context.update(
            form=ImportForm(),
            problems=["This preview is no longer available: upload the file again."],
        )
        return render(request, "admin/program/import_form.html", context)

    def accept(result):
        """In the import's write transaction: the database may have changed since the
        preview, so the writes made are checked (raising undoes them), then logged."""
        if missing := missing_permissions(request.user, result_permissions(result)):
            raise _Lacking(missing)
        _log(request.user, stored["name"], result)

    try:
        result = _run(stored, dry_run=False, accept=accept)
    except _Lacking as lacking:
        return refused(request, context, _lacking(stored["name"], lacking.args[0]))
    except ImportFailed as failure:  # the database changed since the preview
        context.update(form=ImportForm(), problems=failure.problems)
        return render(request, "admin/program/import_form.html", context)
    del request.session[SESSION_KEY]
    return render(
        request,
        "admin/program/import_preview.html",
        {**context, "result": result, "name": stored["name"]},
    )


class _Lacking(Exception):
    """The user lacks the permissions (labels) the confirmed import's writes need."""


def _run(stored, *, dry_run, accept=None):
    upload = ContentFile(base64.b64decode(stored["data"]), name=stored["name"])
    return import_schedule(
        path_or_file=upload,
        conference_slug=stored["conference"],
        conference_name=stored.get("conference_name"),
        timezone=stored.get("timezone"),
        dry_run=dry_run,
        accept=accept,
    )


def _listed(labels):
    quoted = [f"“{label}”" for label in labels]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def _lacking(name, missing):
    return (
        f"Nothing was imported: importing {name} needs {_listed(missing)}, which your "
        "account lacks. Ask an administrator for them."
    )


def _log(user, name, result):
    """One entry in the admin log on the edition: what the import did, as the preview says."""
    LogEntry.objects.log_actions(
        user_id=user.pk,
        queryset=[result.conference],
        action_flag=ADDITION if result.conference_created else CHANGE,
        change_message=f"Imported {name}. {result.counts_line()}",
        single_object=True,
    )
