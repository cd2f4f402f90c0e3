"""Normalisation: a message becomes the folded lemmas that matching compares.

The tables come from spaCy (lemmas, stop words), compiled once by ``lexicon.compile_tables`` for
the vocabulary the knowledge uses; applying them is a few dictionary look-ups per word, so a
reply never waits for spaCy to load (importing it alone takes longer than a cold start may).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from . import langdata
from .clean import fold, split
from .numbers import to_digits

NUMBER = "#num"


@dataclass
class LanguageTables:
    """Everything normalisation needs for one language, as plain data (picklable, small)."""

    lemmas: dict[str, str] = field(default_factory=dict)
    stop_words: frozenset[str] = frozenset()
    synonyms: dict[tuple[str, ...], str] = field(default_factory=dict)
    contractions: dict[str, str] = field(default_factory=dict)  # longest first
    abbreviations: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Each word that starts a synonym, with the length of the longest one it starts: the other
    # words of a message are looked up once, not once per possible length.
    synonym_starts: dict[str, int] = field(default_factory=dict)


def longest_first(contractions: dict[str, str]) -> dict[str, str]:
    """Contractions in the order they must be expanded: a longer one before a shorter one it holds."""
    return dict(sorted(contractions.items(), key=lambda kv: -len(kv[0])))


def expand_contractions(text: str, contractions: dict[str, str]) -> str:
    """``contractions`` ordered by ``longest_first`` (sorted once, not on every message)."""
    for short, long in contractions.items():
        text = text.replace(short, long)
    return text


def words(text: str, lang: str, contractions: dict[str, str] | None = None) -> tuple[str, ...]:
    """Folded word tokens, French elisions split off, numbers as digits."""
    text = fold(to_digits(text, lang))
    text = expand_contractions(text, contractions or {})
    return split(text)


def expand(tokens: Sequence[str], abbreviations: dict[str, tuple[str, ...]]) -> list[str]:
    """Chat abbreviations written out ("cmb" -> "combien", "jai" -> "j", "ai")."""
    return [w for token in tokens for w in abbreviations.get(token, (token,))]


class Normaliser:
    def __init__(self, tables: dict[str, LanguageTables]):
        self.tables = tables

    def lemmas(self, text: str, lang: str) -> list[str]:
        """Lemmas with synonyms made canonical, stop words kept (language detection and slots use them)."""
        t = self.tables[lang]
        tokens = expand(words(text, lang, t.contractions), t.abbreviations)
        # A stop word keeps its own form: spaCy's lookup table would turn "ne" into "naître".
        tokens = [NUMBER if w.isdigit() else w if w in t.stop_words else t.lemmas.get(w, w) for w in tokens]
        return self._canonical(tokens, t)

    def tokens(self, text: str, lang: str) -> list[str]:
        """What matching compares: canonical lemmas without stop words, unless that leaves nothing
        ("who are you?", "merci !" are made of stop words and still mean something)."""
        stop = self.tables[lang].stop_words
        lemmas = self.lemmas(text, lang)
        return [w for w in lemmas if w not in stop] or lemmas

    @staticmethod
    def _canonical(tokens: list[str], t: LanguageTables) -> list[str]:
        """The longest synonym starting at each word, in its canonical form. Only the words that
        start one are visited (one or two a message); the others are copied as they are."""
        starts = t.synonym_starts
        at = [i for i, w in enumerate(tokens) if w in starts]
        if not at:
            return tokens
        out, done = [], 0
        for i in at:
            if i < done:  # inside a synonym already replaced
                continue
            for n in range(min(starts[tokens[i]], len(tokens) - i), 0, -1):
                if canonical := t.synonyms.get(tuple(tokens[i : i + n])):
                    out += tokens[done:i]
                    out.append(canonical)
                    done = i + n
                    break
        out += tokens[done:]
        return out


def stop_word_adjustments(lang: str) -> tuple[set[str], set[str]]:
    data = langdata.load(lang, "stop_words")
    return {fold(w) for w in data.get("keep", [])}, {fold(w) for w in data.get("add", [])}
