"""Programme versions: a new version is a new file; "as of" a date picks the version then in force."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from engines.rules.loader import PROGRAMMES_DIR, RuleError, get_programme, load_programme_versions


def _write_versions(tmp_path: Path, old_end: str) -> Path:
    shutil.copy(PROGRAMMES_DIR / "srdi-zhejiang.yaml", tmp_path / "srdi-zhejiang.yaml")
    current = yaml.safe_load((tmp_path / "srdi-zhejiang.yaml").read_text(encoding="utf-8"))
    old = dict(current, version="2019.1", effective_from="2019-01-01", effective_to=old_end)
    (tmp_path / "history").mkdir()
    (tmp_path / "history" / "srdi-zhejiang@2019.1.yaml").write_text(
        yaml.safe_dump(old, allow_unicode=True), encoding="utf-8"
    )
    return tmp_path


def test_as_of_a_date_picks_the_version_in_force_then(tmp_path):
    folder = _write_versions(tmp_path, "2021-09-02")
    versions = load_programme_versions(folder)["srdi-zhejiang"]
    assert [v.version for v in versions] == ["2019.1", get_programme("srdi-zhejiang").version]
    assert get_programme("srdi-zhejiang", dt.date(2020, 6, 1), folder).version == "2019.1"
    assert get_programme("srdi-zhejiang", dt.date(2024, 6, 1), folder).version != "2019.1"
    assert get_programme("srdi-zhejiang", None, folder).version != "2019.1"
    with pytest.raises(KeyError, match="no version in force on 2018-01-01"):
        get_programme("srdi-zhejiang", dt.date(2018, 1, 1), folder)


def test_overlapping_versions_are_refused_with_the_file_named(tmp_path):
    folder = _write_versions(tmp_path, "2022-01-01")
    with pytest.raises(RuleError, match=r"srdi-zhejiang@2019.1.yaml.*effective_to"):
        load_programme_versions(folder)


def test_the_shipped_programmes_each_have_one_current_version():
    versions = load_programme_versions()
    assert all(len(items) >= 1 for items in versions.values())
    assert {pid: items[-1].version for pid, items in versions.items()} == {
        pid: get_programme(pid).version for pid in versions
    }
