"""The admin's "Import schedule" page: upload, preview (a dry run), confirm.

Between preview and confirm the file waits in the session (base64, at most
``MAX_UPLOAD_BYTES``), so the organiser does not upload it twice and every app server
behind a load balancer can confirm it. A token ties the confirmation to the preview shown.
"""

import base64
import secrets

from django import forms
from django.contrib import admin
from django.core.files.base import ContentFile
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

from program.importers import ImportFailed, import_schedule
from program.middleware import upload_limit
from program.models import Conference

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


@upload_limit(MAX_UPLOAD_BYTES + FORM_ALLOWANCE)
def import_schedule_view(request):
    """Staff only (mounted with ``admin.site.admin_view``, which also protects from CSRF)."""
    context = {**admin.site.each_context(request), "title": "Import schedule"}
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
        }
        try:
            result = _run(stored, dry_run=True)
        except ImportFailed as failure:
            context.update(form=form, problems=failure.problems)
        else:
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
    try:
        result = _run(stored, dry_run=False)
    except ImportFailed as failure:  # the database changed since the preview
        context.update(form=ImportForm(), problems=failure.problems)
        return render(request, "admin/program/import_form.html", context)
    del request.session[SESSION_KEY]
    return render(
        request,
        "admin/program/import_preview.html",
        {**context, "result": result, "name": stored["name"]},
    )


def _run(stored, *, dry_run):
    upload = ContentFile(base64.b64decode(stored["data"]), name=stored["name"])
    return import_schedule(
        path_or_file=upload,
        conference_slug=stored["conference"],
        conference_name=stored.get("conference_name"),
        dry_run=dry_run,
    )
