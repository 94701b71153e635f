"""Write the interchange files of a set from its hand-written source (source/<set>.py).

Run: .venv/bin/python benchmarks/data/matching/build.py [dev|heldout ...]

The source holds providers, solutions, needs and, per need, the hand-judged *topical* grade of each
plausible solution (3 solves it, 2 solves most of it, 1 related). The final grade in qrels.tsv is that
topical grade with the fit rules of README.md applied (check_datasets.graded), so region, budget,
size and industry are judged the same way for every pair.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE / "source"))  # the sets import their record builder

from check_datasets import graded, scenario_ids  # noqa: E402


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"matching_source_{name}", HERE / "source" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _solution(row: tuple, providers: dict[str, tuple[str, list[str]]]) -> dict[str, Any]:
    sid, pkey, title, description, scenarios, industries, regions, price, deployment, lo, hi = row
    provider, provider_regions = providers[pkey]
    return {
        "id": sid,
        "provider": provider,
        "title": title,
        "description": description,
        "scenarios": list(scenarios),
        "industries": list(industries),
        "regions": list(provider_regions if regions is None else regions),
        "price_cny_per_year": price,
        "deployment": deployment,
        "min_employees": lo,
        "max_employees": hi,
    }


def _need(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "enterprise": {
            "industry_code": row["industry"],
            "province": row["province"],
            "employees": row["employees"],
            "revenue_cny": row["revenue"],
        },
        "title": row["title"],
        "description": row["description"],
        "budget_cny_per_year": row["budget"],
    }


def build(name: str, out: Path | None = None) -> dict[str, int]:
    """Write solutions.jsonl, needs.jsonl, qrels.tsv and need_styles.tsv for one set (to out or ./name)."""
    source = _load(name)
    known = set(scenario_ids())
    solutions = [_solution(row, source.PROVIDERS) for row in source.SOLUTIONS]
    by_id = {s["id"]: s for s in solutions}
    if len(by_id) != len(solutions):
        raise SystemExit(f"{name}: duplicate solution ids")
    for s in solutions:
        unknown = set(s["scenarios"]) - known
        if unknown:
            raise SystemExit(f"{name}: {s['id']} has unknown scenarios {sorted(unknown)}")
    needs, qrels, styles = [], [], []
    for row in source.NEEDS:
        need = _need(row)
        needs.append(need)
        styles.append(f"{need['id']}\t{row['style']}")
        for sid, topical in row["judged"].items():
            if sid not in by_id:
                raise SystemExit(f"{name}: {need['id']} judges unknown solution {sid}")
            if topical not in (1, 2, 3):
                raise SystemExit(f"{name}: {need['id']} {sid} topical grade {topical} is not 1-3")
            qrels.append(f"{need['id']}\t{sid}\t{graded(topical, by_id[sid], need)}")
    out = out or HERE / name
    out.mkdir(parents=True, exist_ok=True)

    def jsonl(rows: list[dict[str, Any]]) -> str:
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)

    (out / "solutions.jsonl").write_text(jsonl(solutions), encoding="utf-8")
    (out / "needs.jsonl").write_text(jsonl(needs), encoding="utf-8")
    (out / "qrels.tsv").write_text("".join(q + "\n" for q in qrels), encoding="utf-8")
    (out / "need_styles.tsv").write_text("".join(s + "\n" for s in styles), encoding="utf-8")
    return {"solutions": len(solutions), "needs": len(needs), "qrels": len(qrels)}


if __name__ == "__main__":
    for set_name in sys.argv[1:] or ["dev", "heldout"]:
        print(set_name, build(set_name))
