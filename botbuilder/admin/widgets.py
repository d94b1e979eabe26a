"""Form pieces shared by the admin pages."""

import json

from django import forms
from django.db import models
from django.forms.fields import InvalidJSONInput

JSON_INDENT = 2


class PrettyJSONField(forms.JSONField):
    """A JSON form field that shows its value indented (and still rejects invalid JSON)."""

    def prepare_value(self, value):
        if isinstance(value, InvalidJSONInput):
            return value  # give the person back exactly what they typed
        return json.dumps(
            value, indent=JSON_INDENT, ensure_ascii=False, cls=self.encoder
        )


# For ModelAdmin.formfield_overrides.
PRETTY_JSON_OVERRIDES = {
    models.JSONField: {
        "form_class": PrettyJSONField,
        "widget": forms.Textarea(
            attrs={
                "rows": 10,
                "class": "vLargeTextField",
                "style": "font-family: monospace",
            }
        ),
    }
}
