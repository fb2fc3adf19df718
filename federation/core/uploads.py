"""The upload limits of every scanned paper or file the system keeps (a loan's papers, a task's hand-in).

One rule for every app: PDF, JPEG or PNG, recognised by their first bytes, the file name's ending
agreeing with the content, at most ``MAX_ATTACHMENT_BYTES`` (the setting
``LOANS_MAX_ATTACHMENT_BYTES``, 5 MB by default; the request itself is capped before, by
``federation.web.limits``).
"""

from __future__ import annotations

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

#: Largest file accepted (bytes); a setting so an office with a better scanner can raise it.
MAX_ATTACHMENT_BYTES = getattr(django_settings, "LOANS_MAX_ATTACHMENT_BYTES", 5 * 1024 * 1024)
#: The file types accepted, recognised by their first bytes, with the file-name endings allowed.
ATTACHMENT_TYPES = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
}
#: The file-name ending each accepted type is stored under.
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def detect_attachment_type(upload: UploadedFile) -> str:
    """Return the MIME type of an upload recognised by its first bytes and name, or raise ValidationError.

    Only PDF, JPEG and PNG are accepted, up to ``MAX_ATTACHMENT_BYTES``; the ending of the file name
    must agree with the content (a renamed file is refused).
    """
    if upload.size is None or upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("文件太大：最大 %(mb)d MB。请降低扫描分辨率后再上传。")
            % {"mb": MAX_ATTACHMENT_BYTES // (1024 * 1024)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("文件是空的。"), code="empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    name = (upload.name or "").lower()
    for content_type, (magic, endings) in ATTACHMENT_TYPES.items():
        if head.startswith(magic):
            if not name.endswith(endings):
                raise ValidationError(
                    _("文件名的扩展名与文件内容不符：内容是 %(kind)s。") % {"kind": endings[0][1:].upper()},
                    code="extension",
                )
            return content_type
    raise ValidationError(_("只能上传 PDF、JPG 或 PNG 格式的扫描件。"), code="type")
