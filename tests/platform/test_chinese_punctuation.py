"""Chinese text uses full-width punctuation: no ASCII , : ; ( ) ? ! directly beside a Han character.

Checked: every msgstr of the zh-Hans catalog, and every Chinese string in the engines' data and
sources (YAML, CSV, Python string literals). A string counts as Chinese when its Han characters
outnumber its Latin letters; an English sentence naming a Chinese term ("a province name
(浙江省 or 浙江)") keeps English punctuation. Placeholders, URLs, HTML entities and formulas
such as tanh(x) are masked first, so they are never "fixed" into something that breaks.

Regular expressions (the pattern of an `re.` call) are code and left alone. Citation quotes
(`citation.quote` in the rules) are left alone too: a quote must match its source
text character for character (tests/engines/test_rules_language.py), punctuation included.
"""

from __future__ import annotations

import ast
import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polib
import pytest
import yaml

from tests.support.paths import ROOT

CATALOG = ROOT / "funeng" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
ENGINES = ROOT / "engines"
HAN = "\u3400-\u4dbf\u4e00-\u9fff"
# Masked in this order: placeholders first, so that a formula around one is still seen as such.
MASKS = [
    re.compile(r"%\([A-Za-z_0-9]+\)[a-z]|%[sdfr]"),  # %(name)s, %s
    re.compile(r"\{\{.*?\}\}|\{[A-Za-z_0-9.]*\}"),  # {{ var }}, {name}
    re.compile(r"https?://[^\s，。；）]+"),  # URLs
    re.compile(r"&[a-z]+;|&#\d+;|<[^<>]*>"),  # HTML entities and tags
    re.compile(r"\b[A-Za-z]+\([^()]*\)"),  # formulas and code: tanh(x), min(a, b)
]
ADJACENT = re.compile(rf"(?<=[{HAN}])[,:;()?!]|[,:;()?!](?=[{HAN}])")
# `what` in an indicator's library_targets is what the library extracted, character for character.
SKIPPED_KEYS = {"quote", "what"}


def violations(text: str) -> list[str]:
    """The places where ASCII punctuation touches a Han character, each with a little context."""
    masked = text
    for mask in MASKS:
        masked = mask.sub("X", masked)
    return [masked[max(0, m.start() - 8) : m.end() + 8] for m in ADJACENT.finditer(masked)]


def chinese(text: str) -> bool:
    han = len(re.findall(f"[{HAN}]", text))
    return han > 0 and han >= len(re.findall(r"[A-Za-z]", text))


def _yaml_strings(node: Any, key: str = "") -> Iterator[str]:
    if isinstance(node, str) and key not in SKIPPED_KEYS:
        yield node
    elif isinstance(node, dict):
        for name, value in node.items():
            yield from _yaml_strings(value, str(name))
    elif isinstance(node, list):
        for value in node:
            yield from _yaml_strings(value, key)


def _python_strings(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    # A regular expression is code: its ( ) , : ? are syntax, never text a reader sees.
    patterns = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "re"
        and node.args
        for inner in ast.walk(node.args[0])
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and id(node) not in patterns
        ):
            yield node.value


def engine_strings() -> Iterator[tuple[str, str]]:
    """(file, string) for every string of the engines' data files and Python sources."""
    for path in sorted(ENGINES.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        name = str(path.relative_to(ROOT))
        if path.suffix in {".yaml", ".yml"}:
            strings: Iterator[str] = _yaml_strings(yaml.safe_load(path.read_text(encoding="utf-8")))
        elif path.suffix == ".csv":
            with path.open(encoding="utf-8", newline="") as handle:
                strings = iter([cell for row in csv.reader(handle) for cell in row])
        elif path.suffix == ".py":
            strings = _python_strings(path)
        else:
            continue
        for text in strings:
            yield name, text


def _report(found: list[tuple[str, str, list[str]]]) -> str:
    return "\n".join(f"{where}: {text[:120]!r} at {spots}" for where, text, spots in found[:40])


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("企业名称,统一社会信用代码", True),
        ("请填写(必填)", True),
        ("理由:无", True),
        ("是否继续?", True),
        ("保存成功!", True),
        ("企业名称，统一社会信用代码（必填）：是否继续？", False),
        ("共 %(count)s 家企业", False),
        ('详见 <a href="%(url)s">文档</a>', False),
        ("访问 https://example.com/a,b?c=d 查看", False),
        ("Bearer &lt;令牌&gt;", False),
        ("取 0.5 + 0.5 × tanh(变化 / 25)", False),
        ("营业收入 1,000 万元，08:00 开始", False),
        ("GB/T 4754-2017 行业代码", False),
        ("{name}的评测", False),
    ],
)
def test_it_tells_ascii_punctuation_beside_han_from_allowed_uses(text, bad):
    assert bool(violations(text)) is bad


def test_it_counts_an_english_sentence_naming_a_chinese_term_as_english():
    assert not chinese("use a full or short name (浙江省 / 浙江) or a code")
    assert chinese("企业拥有专利权、软件著作权,或近2年经过专门机构认定的专有技术1项以上")


def test_it_writes_every_chinese_translation_with_full_width_punctuation():
    catalog = polib.pofile(str(CATALOG))
    found = []
    for entry in catalog:
        texts = [entry.msgstr, *entry.msgstr_plural.values()]
        for text in texts:
            spots = violations(text)
            if spots:
                found.append((entry.msgid[:40], text, spots))
    assert found == [], _report(found)


def test_it_writes_chinese_text_in_the_engines_data_with_full_width_punctuation():
    found = []
    for where, text in engine_strings():
        if chinese(text):
            spots = violations(text)
            if spots:
                found.append((where, text, spots))
    assert found == [], _report(found)


def test_it_skips_regular_expressions_but_not_the_text_beside_them(tmp_path):
    source = tmp_path / "module.py"
    source.write_text(
        'import re\nUNITS = re.compile(r"[(（]责任单位[:：]")\nLABEL = "责任单位:市经信局"\n',
        encoding="utf-8",
    )
    assert list(_python_strings(source)) == ["责任单位:市经信局"]
