"""Compiling spaCy's language data into the small tables normalisation applies at run time."""

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from . import langdata
from .clean import fold
from .normalise import LanguageTables, longest_first, split, stop_word_adjustments, words


def _spacy_lemma_table(lang: str) -> dict[str, str]:
    """spaCy's lookup lemmatizer table (spacy-lookups-data), folded. Build time only."""
    import spacy_lookups_data
    import srsly

    path = Path(getattr(spacy_lookups_data, lang)["lemma_lookup"])
    gzipped = path.with_name(path.name + ".gz")
    table = srsly.read_gzip_json(gzipped) if gzipped.exists() else srsly.read_json(path)
    folded: dict[str, str] = {}
    for form, lemma in table.items():
        if isinstance(lemma, list):  # a few forms list several lemmas: the first is the usual one
            lemma = lemma[0] if lemma else form
        folded.setdefault(fold(form), fold(lemma))
    return folded


def _spacy_stop_words(lang: str) -> set[str]:
    from spacy.util import get_lang_class

    return {fold(w) for w in get_lang_class(lang).Defaults.stop_words}


def compile_tables(lang: str, corpus: Iterable[str], synonyms: dict[str, list[str]]) -> LanguageTables:
    """Tables for one language, restricted to the forms whose lemma the corpus uses.

    ``synonyms`` maps a canonical word to its variants (words or phrases).
    """
    contractions = longest_first(langdata.load(lang, "language").get("contractions", {}) or {})
    full = _spacy_lemma_table(lang)
    written_out = (langdata.load(lang, "abbreviations").get("abbreviations") or {}).values()
    texts = list(corpus) + [v for variants in synonyms.values() for v in variants] + list(synonyms) + list(written_out)
    used = {w for text in texts for w in words(text, lang, contractions)}
    used_lemmas = {full.get(w, w) for w in used}
    lemmas = {form: lemma for form, lemma in full.items() if lemma in used_lemmas and form != lemma}

    keep, add = stop_word_adjustments(lang)
    abbreviations = {
        fold(short): split(fold(long))
        for short, long in (langdata.load(lang, "abbreviations").get("abbreviations") or {}).items()
    }
    tables = LanguageTables(
        lemmas=lemmas,
        contractions=contractions,
        abbreviations=abbreviations,
        stop_words=frozenset((_spacy_stop_words(lang) - keep) | add),
    )
    return with_synonyms(tables, lang, synonyms)


def with_synonyms(tables: LanguageTables, lang: str, synonyms: dict[str, list[str]]) -> LanguageTables:
    """``tables`` (unchanged) with more synonyms, read with their lemmas: a tenant's own, added at
    run time without spaCy."""
    added = dict(tables.synonyms)
    for canonical, variants in synonyms.items():
        target = _lemmatise(canonical, lang, tables)
        for variant in variants:
            key = tuple(_lemmatise_all(variant, lang, tables))
            if key and key != (target,):
                added[key] = target
    starts: dict[str, int] = {}
    for key in added:
        starts[key[0]] = max(len(key), starts.get(key[0], 0))
    return replace(tables, synonyms=added, synonym_starts=starts)


def _lemmatise_all(text: str, lang: str, tables: LanguageTables) -> list[str]:
    return [tables.lemmas.get(w, w) for w in words(text, lang, tables.contractions)]


def _lemmatise(text: str, lang: str, tables: LanguageTables) -> str:
    return " ".join(_lemmatise_all(text, lang, tables)) or fold(text)


def available_languages() -> tuple[str, ...]:
    return langdata.languages()
