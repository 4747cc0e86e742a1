"""The forms of a speaker's private page (pages/speaker_link.py): their profile, and the
materials of each of their talks in the link's edition.

Nothing is required and each part stands alone: a field or a talk's list that is invalid
gets its error and is left out, and what is valid is saved (``valid_parts``).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from program.models import Resource, Speaker
from program.models.base import HTTP_URL
from program.photos import MAX_PHOTO_BYTES, prepare_photo
from program.text import unstorable_character

PROFILE_FIELDS = ("name", "affiliation", "bio")
MAX_MATERIALS = 20  # links per talk
# Characters of a bio (a long one is 2,000): the form would take megabytes, then shown on
# every page of the speaker.
MAX_BIO = 10_000


def storable(value):
    if found := unstorable_character(value):
        raise ValidationError(f"This holds {found}, which no text here may hold: remove it.")


def lines(text):
    """Text as typed in a browser's text area (CRLF line ends) as stored: LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class ProfileForm(forms.Form):
    name = forms.CharField(
        label="Name as shown",
        max_length=Speaker._meta.get_field("name").max_length,
        required=False,
        validators=[storable],
    )
    affiliation = forms.CharField(
        max_length=Speaker._meta.get_field("affiliation").max_length,
        required=False,
        validators=[storable],
        help_text="Your university, company or lab; may be empty.",
    )
    bio = forms.CharField(
        label="Bio",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_BIO,
        required=False,
        validators=[storable],
        help_text="A few sentences; a blank line starts a new paragraph.",
    )
    photo = forms.FileField(
        label="New photo",
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=f"JPEG, PNG or WebP, at most {filesizeformat(MAX_PHOTO_BYTES)}. It is "
        "resized and saved anew, without its metadata (camera, GPS position).",
    )
    remove_photo = forms.BooleanField(label="Remove my photo", required=False)

    def clean_name(self):
        name = self.cleaned_data["name"]
        if not name:
            raise ValidationError(
                "Your name cannot be empty: it is how the program names you. It was left as it was."
            )
        return name

    def clean_bio(self):
        return lines(self.cleaned_data["bio"])

    def clean_photo(self):
        upload = self.cleaned_data["photo"]
        # Every check of the admin's upload; a refused file is named in the error.
        self.prepared_photo = prepare_photo(upload) if upload else None
        return upload


class WebAddressField(forms.URLField):
    """A URL field taking web addresses only, as the database does (resource_url_http)."""

    default_validators = [HTTP_URL]


class MaterialForm(forms.Form):
    kind = forms.ChoiceField(choices=Resource.Kind.choices, initial=Resource.Kind.SLIDES)
    url = WebAddressField(
        label="Link",
        max_length=Resource._meta.get_field("url").max_length,
        assume_scheme="https",
    )
    title = forms.CharField(
        max_length=Resource._meta.get_field("title").max_length,
        required=False,
        validators=[storable],
        help_text="Optional, e.g. “Preprint”.",
    )


class BaseMaterialFormSet(forms.BaseFormSet):
    def clean(self):
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if "url" not in data or "kind" not in data or data.get("DELETE"):
                continue
            if (data["kind"], data["url"]) in seen:
                raise ValidationError(f"{data['url']} is listed twice as {data['kind']}.")
            seen.add((data["kind"], data["url"]))

    def items(self):
        """The talk's whole new list, in the order asked: [{"kind", "url", "title"}, ...]."""
        return [
            {field: form.cleaned_data[field] for field in ("kind", "url", "title")}
            for form in self.ordered_forms
        ]


MaterialFormSet = forms.formset_factory(
    MaterialForm,
    formset=BaseMaterialFormSet,
    extra=1,
    can_order=True,
    can_delete=True,
    max_num=MAX_MATERIALS,
    validate_max=True,
    absolute_max=MAX_MATERIALS + 5,
)


def talk_prefix(talk):
    return f"talk-{talk.pk}"


def material_formsets(talks, initial, data=None):
    """{talk: its MaterialFormSet}, bound to ``data`` when given; ``initial``: {talk id:
    [{"kind", "url", "title"}, ...]}, what the form shows before any change."""
    formsets = {}
    for talk in talks:
        items = initial.get(talk.pk, [])
        formsets[talk] = MaterialFormSet(
            data,
            prefix=talk_prefix(talk),
            initial=[{**item, "ORDER": position} for position, item in enumerate(items, 1)],
        )
    return formsets


def valid_parts(profile, formsets, speaker):
    """What submit() takes of the forms' valid parts: values, photo, remove_photo,
    resources. A profile text the same as the speaker's, line ends aside, counts as theirs."""
    profile.is_valid()
    values = {}
    for field in PROFILE_FIELDS:
        if field in profile.cleaned_data:
            text = profile.cleaned_data[field]
            values[field] = (
                getattr(speaker, field) if lines(text) == lines(getattr(speaker, field)) else text
            )
    photo = getattr(profile, "prepared_photo", None) if "photo" in profile.cleaned_data else None
    return {
        "values": values,
        "photo": photo,
        "remove_photo": bool(profile.cleaned_data.get("remove_photo")) and photo is None,
        "resources": {
            talk: formset.items() for talk, formset in formsets.items() if formset.is_valid()
        },
    }
