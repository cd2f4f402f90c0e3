"""Regular expressions on visitor text, in time linear in its length.

Python's ``re`` backtracks: a pattern with nested or adjacent repeats can try a number of ways
that grows with the square, the cube or the power of the text, and a message of a few hundred
characters held a worker for seconds. Every pattern of the package is compiled here, in Python's
syntax and meaning, and runs on RE2 (google-re2), whose automata read each character a bounded
number of times, unless it cannot backtrack at all (``cannot_backtrack``): then on ``re``, whose
calls cost a fifth of the RE2 wrapper's (a few character classes that every message passes).

RE2's ``\\w \\d \\s`` are ASCII and its case folding lacks the Turkish i's that ``re`` folds with
``i``; they are translated so that a pattern matches the same text on either engine (the tests
compare every character class of every compiled pattern, character by character). What RE2
cannot do is refused when the pattern is compiled: lookarounds, ``\\b`` (``re``'s is Unicode,
RE2's ASCII), back-references, and ``$`` (``re``'s also matches before a final newline; write
``\\Z``). A context the pattern needs is written as characters it consumes, ``(?:^|\\W)`` and
``(?:\\W|\\Z)``, with a group around what the caller reads. google-re2's matches take group
numbers, not names, in ``start``, ``end`` and ``span`` (``group`` takes either).
"""

import re
from re import _constants as sre
from re import _parser

import re2

IGNORECASE = re.IGNORECASE

# Python's meaning of each class escape (str patterns), as RE2 writes it; test_patterns compares
# them with ``re`` on every character of the Unicode version Python knows.
_WORD = r"\p{L}\p{N}_"
_SPACE = r"\t-\r\x1c-\x20\x85\xa0\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
_CATEGORIES = {
    sre.CATEGORY_WORD: (_WORD, False),
    sre.CATEGORY_NOT_WORD: (_WORD, True),
    sre.CATEGORY_DIGIT: (r"\p{Nd}", False),
    sre.CATEGORY_NOT_DIGIT: (r"\p{Nd}", True),
    sre.CATEGORY_SPACE: (_SPACE, False),
    sre.CATEGORY_NOT_SPACE: (_SPACE, True),
}
_TURKISH_I = "ıİ"  # re folds both with i and I; RE2's case folding does not
_ANY_I = "iIıİ"
_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # a refused pattern raises; RE2 need not also print it
_SINGLE = (sre.LITERAL, sre.NOT_LITERAL, sre.IN, sre.ANY)  # what consumes exactly one character

_compiled: dict[tuple[str, int], object] = {}


def compile(pattern: str, flags: int = 0):
    """The pattern compiled once per process, on RE2 unless it cannot backtrack (then ``re``).
    Only IGNORECASE is accepted among flags. Patterns built at run time come from the knowledge
    and the code, never from a message, so the registry stays the size of the package's needs."""
    key = (pattern, flags)
    found = _compiled.get(key)
    if found is None:
        if flags & ~IGNORECASE:
            raise ValueError(f"only IGNORECASE is supported: {pattern!r}")
        tree = _parser.parse(pattern, flags)
        if tree.state.flags & (re.DOTALL | re.MULTILINE | re.ASCII | re.LOCALE):
            raise ValueError(f"only the i flag is supported: {pattern!r}")
        found = re.compile(pattern, flags) if cannot_backtrack(tree) else re2.compile(to_re2(tree), _OPTIONS)
        _compiled[key] = found
    return found


def escape(text: str) -> str:
    """Text that matches itself in a pattern."""
    return re.escape(text)


def compiled() -> dict[tuple[str, int], object]:
    """Every pattern compiled so far, by (pattern, flags): what the tests check."""
    return dict(_compiled)


def cannot_backtrack(tree) -> bool:
    """Whether ``re`` runs the pattern in linear time: each of its alternatives (at the top level,
    no group) is a sequence of single characters or classes, of which only the last may repeat.
    A repeat with nothing after it never gives back what it took, so a match attempt costs a
    constant, or consumes what it reads; without repeats elsewhere there is nothing to retry."""
    branches = tree.data[0][1][1] if len(tree.data) == 1 and tree.data[0][0] is sre.BRANCH else [tree.data]
    return all(_single_then_repeat(list(branch)) for branch in branches)


def _single_then_repeat(items: list) -> bool:
    if items and items[-1][0] in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        _, _, repeated = items[-1][1]
        items = items[:-1] + list(repeated) if len(repeated) == 1 else [(None, None)]
    return all(op in _SINGLE for op, _ in items)


def to_re2(tree) -> str:
    """RE2's spelling of a parsed pattern, with re's meaning."""
    names = {index: name for name, index in tree.state.groupdict.items()}
    return _sequence(tree, bool(tree.state.flags & IGNORECASE), names)


def _sequence(items, ignorecase: bool, names: dict) -> str:
    return "".join(_item(op, av, ignorecase, names) for op, av in items)


def _item(op, av, ignorecase: bool, names: dict) -> str:
    if op is sre.LITERAL:
        return _literal(av, ignorecase)
    if op is sre.NOT_LITERAL:
        return _class([(sre.NEGATE, None), (sre.LITERAL, av)], ignorecase)
    if op is sre.IN:
        return _class(av, ignorecase)
    if op is sre.ANY:
        return "."  # neither engine's dot matches a newline without DOTALL
    if op is sre.BRANCH:
        return "(?:" + "|".join(_sequence(b, ignorecase, names) for b in av[1]) + ")"
    if op is sre.SUBPATTERN:
        group, add, remove, inner = av
        if (add | remove) & ~IGNORECASE:
            raise ValueError("only the i flag can be set inside a pattern")
        body = _sequence(inner, (ignorecase or bool(add)) and not remove, names)
        return f"(?P<{names[group]}>{body})" if group in names else f"({body})" if group else f"(?:{body})"
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        return _repeat(av, op is sre.MIN_REPEAT, ignorecase, names)
    if op is sre.AT:
        if av in _ANCHORS:
            return _ANCHORS[av]
        raise ValueError(_REFUSED_ANCHORS.get(av, f"RE2 has no {av}"))
    raise ValueError(_REFUSED.get(op, f"RE2 has no {op}"))


# Keyed by anchor and by operation apart: their codes are numbered from 0 each.
_ANCHORS = {sre.AT_BEGINNING: "^", sre.AT_BEGINNING_STRING: r"\A", sre.AT_END_STRING: r"\z"}
_REFUSED_ANCHORS = {
    sre.AT_BOUNDARY: r"\b is Unicode in re and ASCII in RE2: write the context, (?:^|\W) or (?:\W|\Z)",
    sre.AT_NON_BOUNDARY: r"\B is Unicode in re and ASCII in RE2: write the context as a class",
    sre.AT_END: r"$ also matches before a final newline in re: write \Z (the end of the text)",
}
_LOOKAROUND = r"RE2 has no lookaround: consume the context, (?:^|\W), and group what is read"
_REFUSED = {sre.ASSERT: _LOOKAROUND, sre.ASSERT_NOT: _LOOKAROUND, sre.GROUPREF: "RE2 has no back-reference"}


def _repeat(av, lazy: bool, ignorecase: bool, names: dict) -> str:
    low, high, inner = av
    body = _sequence(inner, ignorecase, names)
    if len(inner) != 1 or inner[0][0] not in _SINGLE:
        body = f"(?:{body})"
    if high is sre.MAXREPEAT:
        count = {0: "*", 1: "+"}.get(low, f"{{{low},}}")
    else:
        count = "?" if (low, high) == (0, 1) else f"{{{low}}}" if low == high else f"{{{low},{high}}}"
    return body + count + ("?" if lazy else "")


def _char(code: int) -> str:
    c = chr(code)
    return c if c.isascii() and c.isalnum() else f"\\x{{{code:x}}}"


def _literal(code: int, ignorecase: bool) -> str:
    c = chr(code)
    if not ignorecase or c.lower() == c.upper():
        return _char(code)
    if c in _ANY_I:
        return f"(?i:[i{_TURKISH_I}])"
    return f"(?i:{_char(code)})"


def _class(items, ignorecase: bool) -> str:
    """A character class: its literals and ranges folded as re folds them under IGNORECASE, its
    categories (\\w \\d \\s) never (RE2 would fold U+0345 into \\w, which re does not)."""
    negated = bool(items) and items[0][0] is sre.NEGATE
    literals, categories, negated_categories = [], [], []
    for op, av in items[1:] if negated else items:
        if op is sre.LITERAL:
            literals.append(_char(av))
        elif op is sre.RANGE:
            literals.append(f"{_char(av[0])}-{_char(av[1])}")
        elif op is sre.CATEGORY:
            spelled, negative = _CATEGORIES[av]
            (negated_categories if negative else categories).append(spelled)
        else:
            raise ValueError(f"RE2 has no {op} in a class")
    if negated_categories:  # \W alone, or [^\W]: no union of a complement with anything else
        if len(negated_categories) > 1 or literals or categories:
            raise ValueError(r"\W, \D or \S inside a class with anything else has no RE2 spelling")
        return f"[{'' if negated else '^'}{negated_categories[0]}]"
    cased = ignorecase and any(_cased(op, av) for op, av in items if op in (sre.LITERAL, sre.RANGE))
    if cased and any(_holds_i(op, av) for op, av in items if op in (sre.LITERAL, sre.RANGE)):
        literals.append("i" + _TURKISH_I)
    caret = "^" if negated else ""
    if not cased:
        return f"[{caret}{''.join(literals + categories)}]"
    if _WORD not in categories:  # \d and \s fold to themselves
        return f"(?i:[{caret}{''.join(literals + categories)}])"
    if negated:
        raise ValueError(r"a negated class with \w and letters under IGNORECASE has no RE2 spelling")
    return f"(?:(?i:[{''.join(literals)}])|[{''.join(categories)}])"


def _cased(op, av) -> bool:
    low, high = (av, av) if op is sre.LITERAL else av
    return any(chr(c).lower() != chr(c).upper() for c in range(low, high + 1))


def _holds_i(op, av) -> bool:
    low, high = (av, av) if op is sre.LITERAL else av
    return any(low <= ord(i) <= high for i in _ANY_I)
