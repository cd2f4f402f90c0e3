"""Per-language data files (``lang/<code>/*.yml``), read once: adding a language is adding files."""

from functools import cache
from pathlib import Path

import yaml

LANG_DIR = Path(__file__).parent / "lang"


@cache
def languages() -> tuple[str, ...]:
    return tuple(sorted(p.name for p in LANG_DIR.iterdir() if (p / "language.yml").exists()))


@cache
def load(lang: str, name: str) -> dict:
    with open(LANG_DIR / lang / f"{name}.yml", encoding="utf-8") as f:
        return yaml.safe_load(f) or {}
