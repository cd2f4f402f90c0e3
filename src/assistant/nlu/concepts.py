"""Concepts that belong to some vendors only (``intents/concepts.yml``).

One vendor rents software for service credits billed per second, another gives grace calls, a third
refunds within 30 days. A visitor who asks a vendor about another's concept ("how many service
credits do I need?") must not get the nearest entry's answer: the concept belongs to no entry of
this tenant, so the assistant says it does not know. A tenant has a concept when its own knowledge
uses one of the concept's words; nobody has to list what each vendor lacks.
"""

from collections.abc import Iterable

from .. import patterns
from ..text.clean import fold, fold_term


class Concepts:
    def __init__(self, definitions: dict[str, dict[str, list[str]]], owned: dict[str, set[str]]):
        """``definitions``: each concept's words per language; ``owned``: the concepts each tenant
        has (``owners``, worked out when the models are built, not at every start)."""
        self.concept_of = {
            fold_term(w): name
            for name, words in definitions.items()
            for lang_words in words.values()
            for w in lang_words
        }
        self._pattern = _words_pattern(self.concept_of) if self.concept_of else None
        self.owned = owned

    @classmethod
    def owners(cls, definitions: dict, knowledge: dict[str, Iterable[str]]) -> dict[str, set[str]]:
        """The concepts each tenant's texts use. Text by text: the RE2 wrapper encodes the whole
        text at every search, so one search loop over all of them joined would cost their length
        times the words found."""
        concepts = cls(definitions, {})
        return {tenant: set().union(*map(concepts.named, texts)) for tenant, texts in knowledge.items()}

    def named(self, text: str) -> set[str]:
        """The concepts a text names."""
        if self._pattern is None:
            return set()
        folded, found, position = fold(text), set(), 0
        # Each next word is searched from the end of the last, so that the character between two
        # words, consumed as the first one's boundary, is read again as the second one's.
        while (match := self._pattern.search(folded, position)) is not None:
            found.add(self.concept_of[match.group(1)])
            position = match.end(1)
        return found

    def foreign(self, tenant: str, text: str) -> set[str]:
        """The concepts the message names that this tenant's knowledge never uses."""
        return self.named(text) - self.owned.get(tenant, set())


def definitions(document: dict) -> dict[str, dict[str, list[str]]]:
    """``concepts.yml``'s concepts, and each of its ``names`` as a concept of its own: a vendor that
    mentions one consumer brand does not thereby own every other."""
    names = {f"name:{name}": {"any": [name]} for group in document.get("names", {}).values() for name in group}
    return {**document["concepts"], **names}


def _words_pattern(words: Iterable[str]):
    """One search for every concept word, each whole: between non-word characters or the ends."""
    alternatives = "|".join(patterns.escape(w) for w in sorted(words, key=len, reverse=True))
    return patterns.compile(rf"(?:^|\W)({alternatives})(?:\W|\Z)")
