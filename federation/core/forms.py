"""The form every domain record is edited with: it carries the version the editor started from."""

from __future__ import annotations

from django import forms


class VersionedModelForm(forms.ModelForm):
    """A model form that carries the version the editor started from (no silent overwrite)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
