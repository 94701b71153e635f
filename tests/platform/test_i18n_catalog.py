"""Every English msgid in the code has a zh-Hans translation, and Chinese is the default UI."""

import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import override_settings

import funeng

PACKAGE = Path(funeng.__file__).resolve().parent
ENGINES = PACKAGE.parent / "engines"
CATALOG = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _python_only(folder: str, names: list[str]) -> set[str]:
    """Everything but Python sources and folders: engine data files are not templates."""
    return {name for name in names if not name.endswith(".py") and not (Path(folder) / name).is_dir()}


def _extract_fresh_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> polib.POFile:
    """Run makemessages over a copy of the source, merged into a copy of the committed catalog.

    The source is the platform and the engines: engines cannot call gettext, so they mark the
    msgids of their messages (import problems, engines/tabular) with gettext_noop and the platform
    translates them.
    """
    source = tmp_path / "src"
    shutil.copytree(
        PACKAGE, source / "funeng", ignore=shutil.ignore_patterns("locale", "__pycache__", "*.mo")
    )
    shutil.copytree(ENGINES, source / "engines", ignore=_python_only)
    locale = tmp_path / "locale"
    (locale / "zh_Hans" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(CATALOG, locale / "zh_Hans" / "LC_MESSAGES" / "django.po")
    monkeypatch.chdir(source)
    with override_settings(LOCALE_PATHS=[str(locale)]):
        call_command("makemessages", locale=["zh_Hans"], verbosity=0, no_obsolete=True)
    return polib.pofile(str(locale / "zh_Hans" / "LC_MESSAGES" / "django.po"))


def test_it_translates_every_msgid_to_simplified_chinese(tmp_path, monkeypatch):
    catalog = _extract_fresh_catalog(tmp_path, monkeypatch)
    assert len(catalog) > 50
    missing = [entry.msgid for entry in catalog if not entry.translated() or entry.fuzzy]
    assert missing == []


def test_it_would_notice_a_new_untranslated_string(tmp_path, monkeypatch):
    template = PACKAGE / "templates" / "_i18n_probe.html"
    template.write_text('{% load i18n %}{% translate "A string nobody translated" %}', encoding="utf-8")
    try:
        catalog = _extract_fresh_catalog(tmp_path, monkeypatch)
    finally:
        template.unlink()
    assert "A string nobody translated" in [e.msgid for e in catalog if not e.translated()]


def test_it_would_notice_a_new_untranslated_engine_message(tmp_path, monkeypatch):
    probe = ENGINES / "tabular" / "_i18n_probe.py"
    probe.write_text(
        "from engines.tabular import gettext_noop\n\nPROBE = gettext_noop('An engine message nobody translated')\n",
        encoding="utf-8",
    )
    try:
        catalog = _extract_fresh_catalog(tmp_path, monkeypatch)
    finally:
        probe.unlink()
    assert "An engine message nobody translated" in [e.msgid for e in catalog if not e.translated()]


def test_it_serves_chinese_by_default_and_english_on_request(client, operator):
    client.force_login(operator)
    # An English-language browser still gets the Chinese default until the user switches.
    assert "企业名录" in client.get("/enterprises/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/enterprises/"})
    assert "Enterprise registry" in client.get("/enterprises/").content.decode()


def test_no_translation_carries_a_tool_separator_or_a_doubled_text():
    catalog = polib.pofile(str(CATALOG))
    broken = [
        entry.msgid
        for entry in catalog
        for text in [entry.msgstr, *entry.msgstr_plural.values()]
        if "|||" in text
        or (len(text) > 8 and text[: len(text) // 2].strip() == text[len(text) // 2 :].strip())
    ]
    assert broken == []


@pytest.mark.parametrize("n", [1, 24])
def test_plural_forms_render_once_for_one_and_for_many(client, operator, n):
    from django.template import Context, Template
    from django.utils import translation

    template = Template(
        "{% load i18n %}{% blocktranslate count counter=n %}{{ counter }} event{% plural %}"
        "{{ counter }} events{% endblocktranslate %}"
    )
    with translation.override("zh-hans"):
        assert template.render(Context({"n": n})) == f"{n} 条记录"
    with translation.override("en"):
        assert template.render(Context({"n": n})) == (f"{n} event" if n == 1 else f"{n} events")
