"""Every text the import side shows goes through Django's gettext, so a county can translate or relabel it.

Three checks:

- the import-side modules are parsed with ``ast``: a string literal holding Chinese must be inside a
  gettext call (``_``, ``gettext``, ``gettext_lazy`` …), whose text is a plain literal (an f-string
  inside ``_()`` could never be translated), unless it is a docstring, a dict key, a regular
  expression, a text a file's header or cell is matched against (``aliases``, ``value_aliases``) or
  one of the few entries of ``ALLOWED``, each with its reason;
- every Chinese text of ``templates/imports/*.html`` is inside ``{% translate %}`` or
  ``{% blocktranslate %}``;
- with a real catalogue (a ``.mo`` file written here, in ``LOCALE_PATHS``), an import's row errors,
  the explanation sheet's texts and the pages change: the texts are looked up when they are shown.
"""

from __future__ import annotations

import array
import ast
import re
import struct
from contextlib import contextmanager
from pathlib import Path

from django.template.base import Lexer, TokenType
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from tests.helpers.imports import new_id, person_row, roster

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
TRANSLATORS = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
#: Keyword arguments (of ``Column``) whose texts are matched against a file's headers and cells.
MATCHED_KEYWORDS = {"aliases", "value_aliases"}


def _paths(*patterns: str) -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for pattern in patterns for p in ROOT.glob(pattern))


#: Modules wholly on the import side: every literal is checked.
WHOLE = _paths(
    "federation/ledgers/imports/*.py",
    "federation/ledgers/columns.py",
    "registry/imports/*.py",
    "registry/entries.py",
    "registry/places.py",
    "outreach/imports.py",
)
#: Modules that declare a register (its pages, export, menu) besides its import: checked are their
#: classes (the importers and their helpers), the ``help=`` and ``import_notes=`` texts (the
#: explanation sheet) and the functions named in ``IMPORT_FUNCTIONS``; the rest is export-side.
PARTLY = _paths("registry/registers/*.py", "registry/exports.py")
IMPORT_FUNCTIONS = {"registry/registers/poor_women.py": {"_reason_help", "_allowed_reasons"}}

CELLS, READER = "federation/ledgers/imports/cells.py", "federation/ledgers/imports/reader.py"
PLACES = "registry/places.py"
#: (module, scope: the function or module-level name, literal or "*") -> why it stays as it is.
ALLOWED = {
    (CELLS, "clean_text", "是"): "a 是/否 cell read as text: a value (as the export writes it)",
    (CELLS, "clean_text", "否"): "a 是/否 cell read as text: a value (as the export writes it)",
    (CELLS, "_TRUE", "*"): "what a 是 cell may hold: matched, never shown",
    (CELLS, "_FALSE", "*"): "what a 否 cell may hold: matched, never shown",
    (CELLS, "parse_bool", "空"): "a cell that says 空 is blank: matched",
    (CELLS, "parse_money", "元"): "the unit a typed amount may end with: matched",
    (READER, "_INFO_PREFIXES", "*"): "the 填报单位 lines above a header: matched",
    ("federation/ledgers/imports/preview.py", "ROW_NUMBER_HEADERS", "*"): "a 序号 header: matched",
    (READER, "_TOTAL_PREFIXES", "*"): "the 合计 row that ends a table: matched",
    (READER, "_SIGNATURE_PREFIXES", "*"): "the signature line below a table: matched",
    (READER, "_GROUP_SUFFIXES", "*"): "what a group header ends with (丈夫情况): matched",
    ("federation/ledgers/imports/templates.py", "_make_fillable", "合计"): "finds the export's 合计 row",
    ("federation/ledgers/columns.py", "NUMBER_FORMATS", "*"): "the export's Excel format code of a 年月 cell",
    (PLACES, "_chinese_number", "十"): "the numeral 十 of a group's name (三十组): matched",
    (PLACES, "PROVINCES", "*"): "province names a work place may start with: matched",
    (PLACES, "_ABROAD", "*"): "what a work place abroad starts with: matched",
}


def _call_name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _is_re_call(func: ast.expr) -> bool:
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "re"


def _docstring_node(node: ast.AST) -> ast.AST | None:
    body = getattr(node, "body", None)
    first = body[0] if body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return first
    return None


def _scope_of(statement: ast.stmt) -> str:
    """Return the name a module-level statement defines (its function, class or assignment target)."""
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return statement.name
    targets = getattr(statement, "targets", None) or [getattr(statement, "target", None)]
    names = [t.id for t in targets if isinstance(t, ast.Name)]
    return names[0] if names else "<module>"


def unmarked_literals(relpath: str) -> list[tuple[int, str, str]]:
    """Return (line, scope, text) of each Chinese literal of ``relpath`` outside a gettext call."""
    tree = ast.parse((ROOT / relpath).read_text(encoding="utf-8"))
    partly = relpath in PARTLY
    functions = IMPORT_FUNCTIONS.get(relpath, set())
    found: list[tuple[int, str, str]] = []

    def visit(node: ast.AST, scope: str, exempt: bool, checked: bool) -> None:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str) and checked and not exempt and CJK.search(node.value):
                found.append((node.lineno, scope, node.value))
            return
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            inner = checked or isinstance(node, ast.ClassDef) or node.name in functions
            docstring = _docstring_node(node)
            for child in ast.iter_child_nodes(node):
                if child is not docstring:
                    visit(child, node.name, exempt, inner)
            return
        if isinstance(node, ast.Call):
            name = _call_name(node.func)
            inside = exempt or name in TRANSLATORS or _is_re_call(node.func)
            visit(node.func, scope, exempt, checked)
            for arg in node.args:
                visit(arg, scope, inside, checked)
            for keyword in node.keywords:
                kw_checked = checked or (partly and keyword.arg in ("help", "import_notes"))
                visit(keyword.value, scope, inside or keyword.arg in MATCHED_KEYWORDS, kw_checked)
            return
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if key is not None:
                    visit(key, scope, True, checked)  # a key is what a text is matched by
                visit(value, scope, exempt, checked)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, scope, exempt, checked)

    module_docstring = _docstring_node(tree)
    for statement in tree.body:
        if statement is not module_docstring:
            visit(statement, _scope_of(statement), False, not partly)
    return found


def _allowed(relpath: str, scope: str, text: str) -> bool:
    return (relpath, scope, text) in ALLOWED or (relpath, scope, "*") in ALLOWED


def test_the_modules_checked_are_the_import_side():
    assert "federation/ledgers/imports/framework.py" in WHOLE and "outreach/imports.py" in WHOLE
    assert "registry/registers/poor_women.py" in PARTLY and len(WHOLE) >= 14


def test_every_chinese_literal_of_the_import_side_goes_through_gettext():
    unmarked = [
        f"{relpath}:{line} ({scope}) {text!r}"
        for relpath in WHOLE + PARTLY
        for line, scope, text in unmarked_literals(relpath)
        if not _allowed(relpath, scope, text)
    ]
    assert unmarked == []


def test_every_entry_of_the_allow_list_is_still_needed():
    used = {
        (relpath, scope, key)
        for relpath in WHOLE + PARTLY
        for _line, scope, text in unmarked_literals(relpath)
        for key in (text, "*")
        if (relpath, scope, key) in ALLOWED
    }
    assert set(ALLOWED) - used == set()


def test_gettext_is_given_a_plain_literal_and_is_django_s():
    """``_(f"…")`` or ``_(a + b)`` could never be translated; ``_`` must be Django's gettext."""
    problems = []
    for relpath in WHOLE + PARTLY:
        tree = ast.parse((ROOT / relpath).read_text(encoding="utf-8"))
        imported = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
            for alias in node.names
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in TRANSLATORS:
                if node.func.id not in imported:
                    problems.append(
                        f"{relpath}:{node.lineno} {node.func.id} is not django.utils.translation's"
                    )
                first = node.args[0] if node.args else None
                if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                    problems.append(f"{relpath}:{node.lineno} {node.func.id}() of {ast.unparse(first)}")
    assert problems == []


def test_the_checker_finds_an_unmarked_message(tmp_path, monkeypatch):
    """The checker itself: an f-string message is found, a marked one and a docstring are not."""
    module = tmp_path / "sample.py"
    module.write_text(
        '"""模块。"""\n'
        "from django.utils.translation import gettext as _\n"
        "PATTERN = re.compile(r'第(\\d+)行')\n"
        "TABLE = {'是': True}\n"
        "def f(row):\n"
        '    """说明。"""\n'
        "    row.fail('name', _('姓名不能为空。'))\n"
        "    Column('x', _('列'), aliases=('别名',))\n"
        "    return f'第 {row} 行出错。'\n",
        encoding="utf-8",
    )
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    assert {(line, scope) for line, scope, _text in unmarked_literals("sample.py")} == {(9, "f")}


# -- the templates ----------------------------------------------------------------------------------


def untranslated_template_texts(path: Path) -> list[str]:
    """Return each Chinese text of a template outside {% translate %} / {% blocktranslate %}."""
    problems = []
    inside = ""
    for token in Lexer(path.read_text(encoding="utf-8")).tokenize():
        contents = token.contents
        tag = contents.split()[0] if token.token_type == TokenType.BLOCK and contents.split() else ""
        if inside == "comment":
            inside = "" if tag == "endcomment" else inside
            continue
        if inside == "blocktranslate":
            if tag in ("endblocktranslate", "endblocktrans"):
                inside = ""
            elif token.token_type == TokenType.BLOCK and tag != "plural":
                problems.append(f"{{% {contents} %}} inside blocktranslate")
            continue
        if tag == "comment":
            inside = "comment"
        elif tag in ("blocktranslate", "blocktrans"):
            inside = "blocktranslate"
        elif tag in ("translate", "trans"):
            continue
        elif token.token_type != TokenType.COMMENT and CJK.search(contents):
            problems.append(f"line {token.lineno}: {contents.strip()[:60]}")
    return problems


def test_every_chinese_text_of_the_import_pages_is_translated():
    paths = sorted((ROOT / "templates" / "imports").glob("*.html"))
    assert len(paths) >= 4
    problems = {p.name: untranslated_template_texts(p) for p in paths}
    assert problems == {p.name: [] for p in paths}


def test_the_template_checker_finds_a_bare_text(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '{% load i18n %}{% comment %}注释{% endcomment %}<h1>{% translate "标题" %}</h1>'
        '{% blocktranslate %}共 {{ n }} 行{% endblocktranslate %}<p>没有翻译</p>{{ x|default:"空" }}',
        encoding="utf-8",
    )
    assert len(untranslated_template_texts(page)) == 2


# -- a real catalogue -------------------------------------------------------------------------------


def write_mo(path: Path, messages: dict[str, str]) -> None:
    """Write a GNU gettext catalogue (what msgfmt writes) of ``messages`` to ``path``."""
    entries = {"": "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=1; plural=0;\n"}
    entries.update(messages)
    keys = sorted(entries)
    ids = strs = b""
    offsets = []
    for key in keys:
        msgid, msgstr = key.encode(), entries[key].encode()
        offsets.append((len(ids), len(msgid), len(strs), len(msgstr)))
        ids += msgid + b"\0"
        strs += msgstr + b"\0"
    key_start = 7 * 4 + 16 * len(keys)
    value_start = key_start + len(ids)
    table = []
    for id_offset, id_length, _str_offset, _str_length in offsets:
        table += [id_length, id_offset + key_start]
    for _id_offset, _id_length, str_offset, str_length in offsets:
        table += [str_length, str_offset + value_start]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + len(keys) * 8, 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + array.array("i", table).tobytes() + ids + strs)


CATALOGUE = {
    "第 %(row)s 行【%(column)s】%(problem)s": "ROW %(row)s [%(column)s] %(problem)s",
    "“%(value)s”不是允许的值，应为：%(allowed)s。": "NOT ALLOWED: %(value)s",
    "整数。": "A WHOLE NUMBER.",
    "上传并检查": "UPLOAD AND CHECK",
    "共 %(rows)s 行：新建 %(created)s %(noun)s，更新 %(updated)s %(noun)s，无变化 %(unchanged)s %(noun)s。": (
        "%(rows)s ROWS: %(created)s NEW %(noun)s"
    ),
    "人": "PERSONS",
}
SCIENTIFIC = (
    "身份证号被 Excel 转成了科学计数法的数字（如 %(shown)s），后几位已经丢失，无法还原；"
    "请把这一列设为“文本”格式，重新填写完整的 18 位身份证号。"
)
CATALOGUE[SCIENTIFIC] = "SCIENTIFIC %(shown)s"


@contextmanager
def catalogue(tmp_path):
    """Put a zh-hans catalogue of a few import texts in LOCALE_PATHS (Django reloads its translations)."""
    locale = tmp_path / "locale"
    write_mo(locale / "zh_Hans" / "LC_MESSAGES" / "django.mo", CATALOGUE)
    with override_settings(LOCALE_PATHS=[str(locale)]), translation.override("zh-hans"):
        assert translation.gettext("上传并检查") == "UPLOAD AND CHECK"
        yield
    assert translation.gettext("上传并检查") == "上传并检查"  # the catalogue is gone with the setting


def test_an_import_s_row_errors_are_looked_up_when_they_are_made(world, tmp_path):
    from registry.imports.persons import import_persons

    rows = [person_row("人1", "1.10105E+17"), person_row("人2", new_id(1990), education="博士后")]
    before = import_persons(roster(tmp_path, rows), village=world.village_a, dry_run=True)
    assert [e.row for e in before.errors] == [4, 5]
    assert str(before.errors[1]).startswith("第 5 行【文化程度】“博士后”不是允许的值，应为：")

    with catalogue(tmp_path):
        result = import_persons(roster(tmp_path, rows), village=world.village_a, dry_run=True)
        reasons = [e.reason for e in result.errors]
        shown = [str(e) for e in result.errors]
    # A message made at call time (gettext) and one declared at module level (gettext_lazy).
    assert reasons == ["SCIENTIFIC 1.10105E+17", "NOT ALLOWED: 博士后"]
    assert shown == ["ROW 4 [身份证号] SCIENTIFIC 1.10105E+17", "ROW 5 [文化程度] NOT ALLOWED: 博士后"]
    after = import_persons(roster(tmp_path, rows), village=world.village_a, dry_run=True)
    assert [str(e) for e in after.errors] == [str(e) for e in before.errors]


def test_the_summary_the_explanation_sheet_and_the_pages_follow_the_catalogue(world, login, tmp_path):
    from federation.ledgers.columns import Column, Kind
    from federation.ledgers.imports.framework import ImportResult
    from registry.imports.persons import PersonImporter

    column = Column("n", "人数", Kind.INT)  # KIND_HELP: module-level, gettext_lazy
    summary = ImportResult(rows=3, created=2, noun=PersonImporter.noun)
    assert (column.explanation(), summary.summary()) == (
        "整数。",
        "共 3 行：新建 2 人，更新 0 人，无变化 0 人。",
    )
    with catalogue(tmp_path):
        assert summary.summary() == "3 ROWS: 2 NEW PERSONS"
        assert column.explanation() == "A WHOLE NUMBER."
        page = login(world.dir_a).get(reverse("imports:start")).content.decode()
    assert "UPLOAD AND CHECK" in page and "上传并检查" not in page
    assert "下载导入模板（.xlsx）" in page  # a text the catalogue does not hold stays as written
