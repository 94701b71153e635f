"""Find Chinese characters left on an English page, outside what may stay Chinese (no tests here).

What may stay Chinese: quoted government clauses and document titles (marked `lang="zh-Hans"` on
the page), enterprise names and region names (passed in as `allowed`), and text people typed
(marked `class="user-text"`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

from engines.reference.regions import region_display_name
from engines.rules.loader import load_programmes

# CJK ideographs, CJK punctuation and fullwidth forms.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_RUN = re.compile(rf"(?:{CJK.pattern}[\s\d.()]*)+")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_SKIPPED_TAGS = frozenset({"script", "style", "template"})


def cjk_in(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """Snippets around each run of Chinese text in `text` once the allowed strings are taken out."""
    for name in sorted((a for a in allowed if a), key=len, reverse=True):
        text = text.replace(name, " ")
    found = []
    for match in _RUN.finditer(text):
        start = max(match.start() - 20, 0)
        found.append(" ".join(text[start : match.end() + 20].split()))
    return found


class _Scoped(HTMLParser):
    """Collects the text inside elements with one of the given classes, skipping Chinese-marked parts."""

    def __init__(self, scopes: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.scopes = scopes
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, in scope, skipped)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        values = dict(attrs)
        classes = set((values.get("class") or "").split())
        in_scope, skipped = self.stack[-1][1:] if self.stack else (False, False)
        in_scope = in_scope or bool(classes & self.scopes)
        skipped = (
            skipped
            or tag in _SKIPPED_TAGS
            # The page's own language is on <html>; only parts marked inside it are quoted Chinese.
            or (tag != "html" and (values.get("lang") or "").lower().startswith("zh"))
            or "user-text" in classes
        )
        self.stack.append((tag, in_scope, skipped))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][1] and not self.stack[-1][2]:
            self.parts.append(data)


def scoped_text(html: str, *scopes: str) -> str:
    """The visible text of the elements carrying any of the CSS classes, minus Chinese-marked parts."""
    parser = _Scoped(set(scopes))
    parser.feed(html)
    return " ".join(parser.parts)


def chinese_left(html: str, *scopes: str, allowed: Iterable[str] = ()) -> list[str]:
    """Chinese text in the given parts of an English page that should have been English."""
    text = scoped_text(html, *scopes)
    assert text.strip(), f"no text found in {scopes}: the page changed or the test looks in the wrong place"
    return cjk_in(text, allowed)


def programme_region_names() -> list[str]:
    """Names of the regions the programmes' region conditions list (shown beside those conditions)."""
    names = set()
    for programme in load_programmes().values():
        for leaf in programme.leaves():
            if leaf.op == "region_prefix":
                codes = [v.ljust(6, "0") for v in leaf.values]
                # as pages show them: Chinese from the province down, or English where a part has an
                # English name (prefectures outside the demo provinces keep their Chinese names)
                names |= {
                    region_display_name(code, language, code) for code in codes for language in ("zh", "en")
                }
    return sorted(names)


# Text of the elements a selector matches, without the parts that may stay Chinese (for Playwright).
TEXT_WITHOUT_CHINESE_PARTS = """(selector) => Array.from(document.querySelectorAll(selector)).map((element) => {
  const copy = element.cloneNode(true);
  copy.querySelectorAll('[lang^="zh"], .user-text, script, style').forEach((node) => node.remove());
  return copy.textContent;
}).join(" ")"""
