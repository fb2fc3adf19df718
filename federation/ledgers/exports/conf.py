"""Settings of the exports, each with a default for the embedded run (override in settings.py)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

#: Signature labels printed under every ledger unless the ledger names its own
#: (the county's layout: 单位负责人, 复核人, 填表人 or 审核人, 制表人).
DEFAULT_FOOTER_LABELS = (_("单位负责人"), _("复核人"), _("填表人"), _("制表人"))


def footer_labels() -> tuple[str, ...]:
    """Return the signature labels of the ledgers' footer (setting ``LEDGER_FOOTER_LABELS``)."""
    return tuple(getattr(settings, "LEDGER_FOOTER_LABELS", DEFAULT_FOOTER_LABELS))


def background_threshold(fmt: str) -> int:
    """Return the row count above which an export of ``fmt`` runs as a background task.

    Setting ``LEDGER_BACKGROUND_ROWS``, a dict by format. A PDF costs about a hundred times what
    an Excel row costs (DESIGN.md, measured figures), hence its lower default.
    """
    defaults = {"xlsx": 5000, "pdf": 500}
    return int(getattr(settings, "LEDGER_BACKGROUND_ROWS", {}).get(fmt, defaults.get(fmt, 5000)))


def pdf_max_rows() -> int:
    """Return the most rows laid out in one PDF file (setting ``LEDGER_PDF_MAX_ROWS``).

    WeasyPrint lays a document out whole, in memory: 5,000 rows take over a gigabyte. A village
    with more rows than this gets several PDF files (parts), packed in one ZIP.
    """
    return int(getattr(settings, "LEDGER_PDF_MAX_ROWS", 2000))


def keep_days() -> int:
    """Return how many days a produced file is kept for download (setting ``LEDGER_KEEP_DAYS``)."""
    return int(getattr(settings, "LEDGER_KEEP_DAYS", 7))


def export_dir() -> Path:
    """Return the folder of produced files: ``VAR_DIR / "exports"``, outside the web root."""
    return Path(getattr(settings, "LEDGER_EXPORT_DIR", Path(settings.VAR_DIR) / "exports"))


#: Rows read from the database at a time; memory does not grow with the row count.
CHUNK_SIZE = 2000
