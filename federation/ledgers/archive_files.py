"""The files of an archived ledger (归档): its Excel and PDF made from the stored rows, kept with it.

The rows, layout, title, unit, notes and dates are the archive's (``federation.ledgers.archives``),
never recomputed; each file says 已归档 with the date, who closed it and the digest. A file is made
once for a format (and once more masked, for a role that sees no whole ID number) and recorded as an
export of the archive, which ``export_purge`` never deletes. An export of exactly a closed unit and
year from a list page is the archive's (``archive_for_export``).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from itertools import islice
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from federation.core import history, policy
from federation.core.actors import actor_name
from federation.core.models import Village
from federation.ledgers.archives import Snapshot, Status, date_text, get_closable
from federation.ledgers.columns import ColumnGroup
from federation.ledgers.exports import conf
from federation.ledgers.exports.cells import pdf_text
from federation.ledgers.exports.context import ExportContext, ExportFilters
from federation.ledgers.exports.pdf import PdfBuilder, write_pdf
from federation.ledgers.exports.registry import Ledger
from federation.ledgers.exports.services import export_file_path
from federation.ledgers.exports.xlsx import XlsxBuilder
from federation.ledgers.models import ExportRecord, LedgerArchive


def archived_mark(archive: LedgerArchive) -> str:
    """Return the 已归档 line every file of the archive prints, with the date, who, and the digest."""
    return _("已归档：%(date)s 由 %(who)s 归档，按归档时保存的内容打印（SHA-256 %(digest)s）。") % {
        "date": date_text(timezone.localdate(archive.closed_at)),
        "who": archive.closed_by_name,
        "digest": archive.digest[:16],
    }


def _context(snapshot: Snapshot, user: Any, *, unit: str, multi_village: bool) -> ExportContext:
    header = snapshot.header
    return ExportContext(
        user=user,
        filters=ExportFilters(year=header["year"]),
        year=header["year"],
        ages_on=dt.date.fromisoformat(header["ages_on"]),
        adult_age=header["adult_age"],
        unit=None,
        unit_label=unit,
        reporter=header["reporter"],
        made_on=dt.date.fromisoformat(header["made_on"]),
        multi_village=multi_village,
        full_id_numbers=policy.can_see_full_id_number(user),
    )


def write_archive_file(archive: LedgerArchive, *, user: Any, fmt: str, path: Path) -> str:
    """Write the archive's Excel or PDF (a ZIP of one PDF a village for a township) to ``path`` from
    its stored rows, as ``user`` may see them; return the file's kind (xlsx, pdf or zip)."""
    snapshot = Snapshot.of(archive)
    header, table = snapshot.header, snapshot.table
    mark = archived_mark(archive)
    title = f"{header['title']}（已归档）"
    notes = [mark, *header["notes"]]
    if fmt == "xlsx":
        ctx = _context(snapshot, user, unit=header["unit"], multi_village=header["multi_village"])
        XlsxBuilder(table, ctx, title=title).write(snapshot.rows, path, notes=notes)
        return "xlsx"
    files: list[tuple[str, Path]] = []
    size = conf.pdf_max_rows()
    try:
        for label, part_title, start, rows in snapshot.parts():
            ctx = _context(snapshot, user, unit=label, multi_village=header["multi_village"])
            pieces = [rows[i : i + size] for i in range(0, len(rows), size)] or [[]]
            for number, piece in enumerate(pieces, 1):
                name = f"{part_title}（已归档）" + (f"（第{number}册）" if len(pieces) > 1 else "")
                html, _count = PdfBuilder(table, ctx, title=name).table_html(
                    piece, notes=notes, start=start + (number - 1) * size
                )
                part = path.with_name(f".{path.name}.{len(files):04d}.pdf")
                write_pdf(html, part)
                files.append((name, part))
        if len(files) == 1:
            files.pop()[1].replace(path)
            return "pdf"
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as bundle:
            for number, (name, part) in enumerate(files, 1):
                bundle.write(part, f"{number:02d}-{name}.pdf")
        return "zip"
    finally:
        for _name, part in files:
            part.unlink(missing_ok=True)


def archive_export(*, archive: LedgerArchive, user: Any, fmt: str) -> ExportRecord:
    """Return the done export of ``archive`` as ``fmt`` that ``user`` may read, made once and kept.

    The files of an archive are the same whoever asks (its rows, dates and reporter are stored);
    only the masking of a role that sees no whole ID number differs, so there is one file a format
    and a masking, recorded as an export of the archive and never purged (``export_purge``).
    """
    if fmt not in ("xlsx", "pdf"):
        raise ValidationError(_("只能导出 Excel 或 PDF。"))
    masked = "" if policy.can_see_full_id_number(user) else "1"
    made = ExportRecord.objects.filter(
        archive=archive,
        format=fmt,
        status=ExportRecord.Status.DONE,
        filters={"masked": masked} if masked else {},
    )
    for record in made:
        if export_file_path(record) is not None:
            return record
    folder = conf.export_dir() / "archives"
    folder.mkdir(parents=True, exist_ok=True)
    snapshot_title = f"{archive.scope}{archive.year}年度{archive.title}台账（已归档）"
    path = folder / f"{archive.pk}-{fmt}{'-masked' if masked else ''}.part"
    kind = write_archive_file(archive, user=user, fmt=fmt, path=path)
    final = path.with_suffix({"xlsx": ".xlsx", "pdf": ".pdf", "zip": ".zip"}[kind])
    path.replace(final)
    now = timezone.now()
    return ExportRecord.objects.create(
        user=history.user_of(user),
        requested_by=actor_name(user),
        ledger=archive.ledger,
        title=snapshot_title[:200],
        scope=archive.scope,
        scope_code=(archive.village or archive.township).code,
        filters={"masked": masked} if masked else {},
        format=fmt,
        status=ExportRecord.Status.DONE,
        rows_total=archive.row_count,
        rows_done=archive.row_count,
        file_path=str(final.relative_to(conf.export_dir())),
        file_name=f"{snapshot_title}{final.suffix}"[:255],
        file_size=final.stat().st_size,
        started_at=now,
        finished_at=now,
        archive=archive,
    )


def archive_for_export(ledger: Ledger, user: Any, filters: ExportFilters) -> LedgerArchive | None:
    """Return the closed archive that is exactly the export ``user`` asks for, or None (made live).

    An export of a closed year's ledger of one village, or of a whole township, with no narrowing
    filter (group, search) is the archive's, made from its stored rows: the ledger sent to the
    county is the one printed again, whoever asks and whatever changed since.
    """
    if get_closable(ledger.name) is None or filters.group_id or filters.search or filters.extra:
        return None
    year = filters.year or timezone.localdate().year
    villages = list(filters.villages(Village.objects.for_user(user)).values_list("pk", "township_id"))
    closed = LedgerArchive.objects.for_user(user).filter(ledger=ledger.name, year=year, status=Status.CLOSED)
    if len(villages) == 1:
        return closed.filter(village_id=villages[0][0]).defer("content").first()
    townships = {township for _pk, township in villages}
    if len(townships) != 1:
        return None
    (township,) = townships
    if Village.objects.filter(township=township).count() != len(villages):
        return None
    return closed.filter(township_id=township, village__isnull=True).defer("content").first()


def preview(archive: LedgerArchive, user: Any, count: int = 20) -> tuple[list[str], list[list[str]]]:
    """Return the headers (a grouped column's with its group's: 丈夫姓名) and the first ``count`` rows
    (as the PDF prints them) of the archive, as ``user`` may see them (masked for a role that sees
    no whole ID number): the archive's page."""
    snapshot = Snapshot.of(archive)
    header = snapshot.header
    ctx = _context(snapshot, user, unit=header["unit"], multi_village=header["multi_village"])
    shown = ctx.shown(snapshot.table)
    columns = shown.layout.leaves
    rows = []
    for values in islice(snapshot.rows, count):
        values = shown.row(values) if shown.row is not None else values
        rows.append([pdf_text(v, c.kind) for v, c in zip(values, columns, strict=True)])
    headers = []
    for item in shown.layout.columns:
        if isinstance(item, ColumnGroup):
            headers.extend(f"{item.header}{c.header}" for c in item.columns)
        else:
            headers.append(str(item.header))
    return headers, rows
