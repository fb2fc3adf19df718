"""The form every domain record is edited with: it carries the version the editor started from."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils.translation import gettext_lazy as _

from federation.core.services import StaleRecordError, domain_record_check_version

#: What an edit form answers when it comes back without the version it was opened at.
NO_VERSION = _("这份表单缺少打开时的版本号，没有保存。请重新打开这条记录，修改后再保存。")
#: What an edit form answers when its record is gone for good meanwhile.
GONE = _("这条记录已被彻底删除，没有保存。")


class VersionedModelForm(forms.ModelForm):
    """A model form that carries the version the editor started from (no silent overwrite).

    Editing a record that exists needs the version: a form posted without it (or with a version
    that is not a number) is refused with :data:`NO_VERSION` and saves nothing, so the stale check
    of ``domain_record_save`` always has a version to compare. A new record has none. A record saved
    by someone since the form was opened is refused while the form is validated, naming what changed.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    #: Whether the stale check locks the stored row (a form validated inside the save's transaction).
    lock_stored_row = False

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or self.instance.pk is None or not hasattr(self, "cleaned_data"):
            return
        version = self.cleaned_data.get("version")
        if version is None:
            self._errors.pop("version", None)  # a hidden field's own error would say nothing useful
            self.add_error(None, ValidationError(NO_VERSION, code="no_version"))
            return
        # Someone saved it since it was opened: say so first, with what changed, before any rule
        # judges values the editor never saw (the service checks again when it saves).
        try:
            domain_record_check_version(self.instance, expected_version=version, lock=self.lock_stored_row)
        except StaleRecordError as exc:
            self.add_error(None, exc.as_form_error())
        except ObjectDoesNotExist:
            self.add_error(None, ValidationError(GONE, code="gone"))
