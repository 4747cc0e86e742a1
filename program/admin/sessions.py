"""Sessions: talks of one room and span under a title, with their chairs; the talks each
holds, and a page that mails its speakers (docs/organisers/sessions.md).

Times are typed and shown in the edition's own timezone, as a talk's are (admin/times.py);
rooms are those of the form's edition, as on a talk's form.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from program.admin.base import (
    EditionInitialMixin,
    chosen_edition_id,
    edition_labeller,
    rendered_in,
    row_id,
)
from program.admin.talk_filters import DayListFilter, EditionRowListFilter
from program.admin.text import ProgramModelAdmin, StorableText
from program.admin.times import ConferenceDateTimeField, ConferenceDateTimeWidget
from program.models import Conference, Session
from program.session_mail import recipients, send
from program.times import when_label


@admin.register(Session)
class SessionAdmin(EditionInitialMixin, ProgramModelAdmin):
    list_display = ["title", "kind", "when", "room", "chair_names"]
    list_filter = ["conference", DayListFilter, ("room", EditionRowListFilter), "kind"]
    list_select_related = ["conference", "room"]
    search_fields = ["title"]
    ordering = ["-conference__start_date", "start", "room__position", "title"]
    fieldsets = [
        (None, {"fields": ["conference", "title", "kind"]}),
        ("When and where", {"fields": ["room", "start", "end"]}),
        (None, {"fields": ["chairs", "talk_table", "mail_link"]}),
    ]
    readonly_fields = ["talk_table", "mail_link"]
    autocomplete_fields = ["chairs"]
    formfield_overrides = {
        models.DateTimeField: {
            "form_class": ConferenceDateTimeField,
            "widget": ConferenceDateTimeWidget,
        },
    }

    class Media:
        # On the add page, choosing another edition reloads the form with its rooms.
        js = ["js/admin-talk-edition.js"]

    def get_urls(self):
        return [
            path(
                "<path:object_id>/mail/",
                self.admin_site.admin_view(self.mail_view),
                name="program_session_mail",
            ),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("chairs")

    @admin.display(description="when", ordering="start")
    def when(self, session):
        zone = session.conference.tzinfo
        return when_label(session.start.astimezone(zone), session.end.astimezone(zone))

    @admin.display(description="chairs")
    def chair_names(self, session):
        return ", ".join(chair.name for chair in session.chairs.all())

    @admin.display(description="talks in this session")
    def talk_table(self, session):
        if session.pk is None:
            return "None yet: save the session to see the talks in its room and span."
        talks = session.talks().select_related("conference", "type")
        zone = session.conference.tzinfo
        return render_to_string(
            "admin/program/session/_talk_table.html",
            {
                "talks": [
                    (talk, when_label(talk.start.astimezone(zone), talk.end.astimezone(zone)))
                    for talk in talks
                ]
            },
        )

    @admin.display(description="mail")
    def mail_link(self, session):
        if session.pk is None:
            return "Save the session first."
        url = reverse("admin:program_session_mail", args=[session.pk])
        return format_html('<a href="{}">Mail the session’s speakers</a>', url)

    # Times in conference time, rooms of the form's edition ----------------------------------

    def _form_edition(self, request, object_id):
        """The edition chosen in the form, else the session's, else the list's, else the
        current edition."""
        chosen = row_id(request.POST.get("conference") or request.GET.get("conference"))
        if chosen is None and object_id is not None:
            session = Session.objects.filter(pk=row_id(unquote(object_id))).first()
            chosen = session and session.conference_id
        if chosen is None:
            chosen = chosen_edition_id(request)
        if chosen is not None and (edition := Conference.objects.filter(pk=chosen).first()):
            return edition
        return Conference.objects.current()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return rendered_in(
            self._form_edition(request, object_id),
            lambda: super(SessionAdmin, self).changeform_view(
                request, object_id, form_url, extra_context
            ),
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Rooms: those of the form's edition; one of another edition is refused with a
        message naming the edition (the database refuses it on every other path)."""
        if db_field.name != "room":
            return super().formfield_for_foreignkey(db_field, request, **kwargs)
        rooms = db_field.related_model.objects.select_related("conference")
        match = request.resolver_match
        edition = self._form_edition(request, match.kwargs.get("object_id") if match else None)
        if edition is not None:
            rooms = rooms.filter(conference=edition)
            kwargs["error_messages"] = {
                "invalid_choice": f"Choose a room of {edition}, the edition chosen above."
            }
        kwargs["queryset"] = rooms
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        field.label_from_instance = edition_labeller(rooms.only("name", "conference"))
        return field

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        zone = timezone.get_current_timezone_name()
        help_texts = {
            "start": f"Conference time ({zone}): the timezone of the edition chosen above.",
            "end": f"Conference time ({zone}); after the start. The session holds the "
            "talks of its room that start and end within it.",
        }
        for name, help_text in help_texts.items():
            if name in form.base_fields:
                form.base_fields[name].help_text = help_text
        return form

    # Mailing the session's speakers ---------------------------------------------------------

    def mail_view(self, request, object_id):
        """A form (subject, body, chairs too) listing who it goes to; sending reports who
        was sent to and who has no address."""
        session = self.get_object(request, unquote(object_id))
        if session is None:
            raise Http404("No such session.")
        if not self.has_change_permission(request, session):
            raise PermissionDenied
        form = SessionMailForm(request.POST or None)
        if form.is_valid():
            chairs = form.cleaned_data["chairs"]
            result = send(
                session,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                chairs=chairs,
            )
            for level, message in mail_report(result):
                self.message_user(request, message, level)
            if result.sent:  # the session's History says who was mailed what
                self.log_change(
                    request,
                    session,
                    f"Mailed “{form.cleaned_data['subject']}” to {names(result.sent)}.",
                )
            return HttpResponseRedirect(reverse("admin:program_session_change", args=[session.pk]))
        return TemplateResponse(
            request,
            "admin/program/session/mail.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Mail the speakers of “{session}”",
                "opts": self.model._meta,
                "original": session,
                "form": form,
                "speakers": recipients(session),
                "chairs": session.chairs.order_by("name", "pk"),
            },
        )


def names(speakers):
    return ", ".join(speaker.name for speaker in speakers)


def mail_report(result):
    """(level, message) pairs for the organiser, from a program.session_mail.Sent."""
    report = []
    if result.sent:
        report.append((messages.SUCCESS, f"Sent to {len(result.sent)}: {names(result.sent)}."))
    elif not result.failed:
        report.append((messages.WARNING, "Nothing was sent: nobody here has an e-mail address."))
    if result.unaddressed:
        report.append(
            (
                messages.WARNING,
                f"No e-mail address, not sent to {len(result.unaddressed)}: "
                f"{names(result.unaddressed)}. Add their addresses on their speaker pages.",
            )
        )
    if result.failed:
        report.append(
            (
                messages.ERROR,
                f"Sending stopped: {result.error}. Not sent to {len(result.failed)}: "
                f"{names(result.failed)}.",
            )
        )
    return report


def one_line(value):
    # A line end in a header would start another (Bcc: ...); Django would refuse to send.
    if "\n" in value or "\r" in value:
        raise ValidationError("The subject is one line: remove its line break.")


class SessionMailForm(forms.Form):
    subject = forms.CharField(max_length=200, validators=[StorableText("Subject"), one_line])
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
        validators=[StorableText("Message")],
        label="Message",
        help_text="Plain text, sent as written to each person on their own.",
    )
    chairs = forms.BooleanField(
        required=False, initial=True, label="Send it to the session's chairs too"
    )
