"""Sample ledgers kept in the repository (tests/data/), as villages keep their registers today.

``SAMPLE`` is a register typed by hand in a spreadsheet, not in the system's template: a merged title,
the 填报单位 line, a two-row header with merged cells, dates typed several ways (1985.3, 1985年3月,
1985-03, real dates), an ID number with spaces around it or a lower-case x, a 合计 row and a
signature line. It holds 40 left-behind women of one village, 2014-03-17 (region code 513401); every
row is valid and imports.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
SAMPLE = DATA / "village-left-behind-women-2014.xlsx"
