"""Chinese text for matchmaking: normalisation, jieba segmentation with a domain dictionary, stopwords.

jieba is initialised lazily (the first call pays ~0.7 s) on a private `jieba.Tokenizer`, so other code
that uses the global jieba instance is not affected, and its start-up log lines are silenced.
Segmentation runs without jieba's HMM new-word guessing: it is faster and deterministic, and the
domain dictionary (data/userdict.txt plus every cue word of lexicon.yaml) keeps the words that matter whole.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
USERDICT_FILE = DATA_DIR / "userdict.txt"
STOPWORDS_FILE = DATA_DIR / "stopwords.txt"
LEXICON_FILE = Path(__file__).resolve().parent / "lexicon.yaml"

# A token is kept when it holds a CJK character or a Latin letter; numbers and punctuation are dropped.
_CONTENT = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbfa-z]")
_SPACES = re.compile(r"\s+")

_lock = threading.Lock()
_tokenizer: Any = None


def normalise(text: str) -> str:
    """Full-width → half-width (NFKC), lower case, one space between runs: 'ＭＥＳ系统' → 'mes系统'."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


@cache
def stopwords() -> frozenset[str]:
    """Function words and filler common in needs and product blurbs (data/stopwords.txt)."""
    words = set()
    for line in STOPWORDS_FILE.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.add(normalise(word))
    return frozenset(words)


def _user_words() -> list[tuple[str, int | None]]:
    words: list[tuple[str, int | None]] = []
    for number, line in enumerate(USERDICT_FILE.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        freq = None
        if len(parts) > 1:
            if not parts[1].isdigit():
                raise ValueError(f"{USERDICT_FILE.name} line {number}: frequency must be a whole number")
            freq = int(parts[1])
        words.append((parts[0], freq))
    return words


def _lexicon_words() -> list[str]:
    """Every cue word of lexicon.yaml (validated by classify.py; here only the words are needed)."""
    raw = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8")) or {}
    words: set[str] = set()
    for levels in (raw.get("scenarios") or {}).values():
        for cues in (levels or {}).values():
            words.update(normalise(str(c)) for c in cues or ())
    for cues in (raw.get("deployment_cues") or {}).values():
        words.update(normalise(str(c)) for c in cues or ())
    return sorted(w for w in words if len(w) > 1 and " " not in w)


def _build() -> Any:
    import jieba  # lazy: importing is cheap, but building the prefix dictionary is not

    logger = jieba.default_logger
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
    finally:
        logger.setLevel(level)
    for word, freq in _user_words():
        _add(tokenizer, normalise(word), freq)
    for word in _lexicon_words():
        _add(tokenizer, word, None)
    return tokenizer


def _add(tokenizer: Any, word: str, freq: int | None) -> None:
    # Dictionary words are matched against normalised (lower-case) text, so store them that way too.
    # A bare add_word gives a frequency just high enough to win against the default dictionary.
    tokenizer.add_word(word, freq=freq if freq is not None else max(tokenizer.suggest_freq(word), 5))


def _get() -> Any:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                _tokenizer = _build()
    return _tokenizer


@lru_cache(maxsize=8192)
def _segment_cached(text: str) -> tuple[str, ...]:
    return tuple(_get().lcut(text, HMM=False))


def segment(text: str) -> list[str]:
    """jieba words of normalised text, spaces dropped, nothing else removed."""
    normal = normalise(text)
    # long texts are rarely repeated; the cache is for short ones (needs, titles)
    words = _get().lcut(normal, HMM=False) if len(normal) > 400 else list(_segment_cached(normal))
    return [w for w in words if not w.isspace()]


def content_words(words: Iterable[str]) -> list[str]:
    """The content words among segmented words: stopwords, numbers and punctuation removed."""
    stop = stopwords()
    return [w for w in words if w not in stop and _CONTENT.search(w)]


def tokens(text: str) -> list[str]:
    """Content words for retrieval: segmented, stopwords, numbers and punctuation removed."""
    return content_words(segment(text))
