"""The inspection pack's benchmark (issue 18): the demo township's pack of one year, every part.

    .venv/bin/python bench/pack_bench.py            # ~5 minutes: the demo seeded, then the pack
    .venv/bin/python bench/pack_bench.py --reuse    # the demo already seeded by an earlier run

Makes its own PostgreSQL database ``federation_pack_bench`` (again empty unless ``--reuse``), seeds
the demo (``manage.py seed_demo``: 示范县幸福乡, 8 villages, about 6,000 persons), then, in a fresh
child process that does nothing else, builds the pack of the township staff (``staff``) for this
year with every part she may choose, as the background task does (``pack_request`` records and
queues it, ``run_pack`` builds it). Prints the wall and CPU time, the child's peak resident memory
(``ru_maxrss``: Python, Django, WeasyPrint and the C allocations alike), the files and the ZIP's
size, then PASS or MISS against the targets: under 3 minutes and under 500 MB.

A county's pack is one pack a township, each its own task: the workers (``Q_WORKERS``) build them
side by side, so a county of N townships takes about N / workers times this on as many cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import zipfile

import common  # bench/ is on the path when a bench script runs

URL = "postgres://root@127.0.0.1:5432/federation_pack_bench"
TARGET_SECONDS = 180
TARGET_MB = 500


def child(url: str) -> None:
    """Build the pack (in this fresh process) and print its figures as one JSON line."""
    common.setup_django(url)
    import tempfile
    from pathlib import Path

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from django_q.conf import Conf

    from federation.ledgers.exports.services import export_file_path
    from federation.ledgers.models import ExportRecord
    from federation.ledgers.packs import PACK, PackSpec, Period, pack_parts, pack_request, run_pack

    settings.LEDGER_EXPORT_DIR = Path(tempfile.mkdtemp(prefix="pack-bench-"))
    Conf.SYNC = False  # queued only: run_pack below is the worker
    user = get_user_model().objects.get(username="staff")
    ExportRecord.objects.filter(ledger=PACK).delete()
    spec = PackSpec(Period.of_year(timezone.localdate().year), tuple(name for name, _ in pack_parts(user)))
    started, cpu = time.perf_counter(), time.process_time()
    (record,) = pack_request(user=user, spec=spec)
    run_pack(record.pk, record.task_token)
    record.refresh_from_db()
    seconds = time.perf_counter() - started
    path = export_file_path(record)
    files = len(zipfile.ZipFile(path).namelist()) if path is not None else 0
    print(
        "RESULT "
        + json.dumps(
            {
                "seconds": seconds,
                "cpu": time.process_time() - cpu,
                "status": record.status,
                "files": files,
                "parts": len(spec.parts),
                "zip_mb": (record.file_size or 0) / 1e6,
                "peak_mb": common.peak_mb(),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=URL)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database and its demo from a run before"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.database_url)
        return
    if not args.reuse:
        common.create_database(args.database_url, fresh=True)
    env = common.migrated_database(args.database_url)
    if not args.reuse:
        began = time.perf_counter()
        manage = [sys.executable, str(common.ROOT / "manage.py")]
        subprocess.run(
            [*manage, "seed_demo"], check=True, env=env, cwd=common.ROOT, stdout=subprocess.DEVNULL
        )
        print(f"== demo seeded in {time.perf_counter() - began:.0f} s")
    out = subprocess.run(
        [sys.executable, __file__, "--child", "--database-url", args.database_url],
        check=True,
        env={**env, "Q_WORKERS": "1"},
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])
    peak = result["peak_mb"]  # the child's own: the seeding's processes are not in it
    load = os.getloadavg()[0]
    print(
        f"pack of the demo township, one year, {result['parts']} parts: {result['seconds']:.1f} s "
        f"(CPU {result['cpu']:.1f} s), {result['files']} files, ZIP {result['zip_mb']:.1f} MB, "
        f"peak {peak:.0f} MB, {result['status']}; load average {load:.1f}"
    )
    ok_time = result["status"] == "done" and result["seconds"] < TARGET_SECONDS
    print(f"{'PASS' if ok_time else 'MISS'}  time = {result['seconds']:.1f} s  (target < {TARGET_SECONDS} s)")
    print(f"{'PASS' if peak < TARGET_MB else 'MISS'}  peak memory = {peak:.0f} MB  (target < {TARGET_MB} MB)")


if __name__ == "__main__":
    main()
