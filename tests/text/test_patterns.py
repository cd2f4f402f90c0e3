"""Every regular expression of the package runs in linear time, and means what it meant on re.

The patterns are not listed here: patterns.compile keeps every pattern it compiles, and these tests
take them all after importing every module and answering the conversations that compile patterns
as they go (forms, grace calls, contacts, facts). A static check makes sure no module reaches a
regular expression engine but through patterns.py."""

import ast
import importlib
import itertools
import pkgutil
import re
import time
import unicodedata
from pathlib import Path
from re import _compiler, _parser
from re import _constants as sre

import pytest
import re2

import assistant as package
from assistant import patterns
from assistant.core import MAX_MESSAGE

PACKAGE = Path(package.__file__).parent
ENGINES = {"re", "re2", "regex", "sre_compile", "sre_parse", "sre_constants"}

CONVERSATIONS = [
    (
        "exo",
        [
            "je voudrais un devis",
            "Karim Benali, karim@exemple.dz, 40 utilisateurs, +213 555 12 34 56",
            "Sonatrach",
            "Enterprise Plus",
            "hébergé chez vous, en euros, bon de commande n° PO-2024/17, via un revendeur",
            "oui",
        ],
    ),
    ("exo", ["I'd like a demo", "my name is Jane Doe, jane@example.com from Acme", "Professional", "yes"]),
    (
        "solidxperts",
        [
            "please book a grace call",
            "account SX-1002",
            "Omar Farouk, omar@acme.com",
            "the licence server does not start",
            "yes",
        ],
    ),
    (
        "solidxperts",
        ["How many grace calls do I have left? account SX-1002", "we have 20 seats, how many grace calls?"],
    ),
    (
        "exo",
        [
            "si j'achete en ligne et que ca ne me plait pas, je suis rembourse ?",
            "how long are backups kept?",
            "see https://exo.example/pricing or www.exo.example, QUO-7K2M9X, 15 iSC par mois, 12,5k€ ?",
        ],
    ),
    ("conex", ["combien coûte la licence pour 25 utilisateurs ?", "SSO ?", "PPI?"]),
]


@pytest.fixture(scope="module")
def compiled(bundle, tmp_path_factory):
    """Every pattern the package compiles: at import, when checking the data and when replying."""
    from assistant import Assistant
    from assistant.backoffice.store import open_store
    from assistant.data.check import check_project
    from assistant.dialogue.compute import FUNCTIONS
    from assistant.dialogue.validators import VALIDATORS
    from assistant.paths import project_root

    for module in pkgutil.walk_packages(package.__path__, "assistant."):
        importlib.import_module(module.name)
    check_project(project_root(), FUNCTIONS, VALIDATORS)
    assistant = Assistant(bundle, open_store(tmp_path_factory.mktemp("patterns") / "assistant.db"))
    for tenant, messages in CONVERSATIONS:
        session = None
        for message in messages:
            session = assistant.reply(tenant, session, message).session_id
    return patterns.compiled()


def test_the_conversations_compile_the_patterns_built_at_run_time(compiled):
    """The registry holds patterns made from the knowledge and from the messages' kinds of contact."""
    built = [pattern for pattern, _ in compiled if pattern.startswith(("(?:^|\\W)", "\\w"))]
    assert len(compiled) > 40 and len(built) > 5


# -- nothing reaches an engine but through patterns.py -----------------------------------------------


def engine_uses(path: Path) -> list[str]:
    """Each import of a regular expression engine, and each use of a name ``re``, in a module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name.split(".")[0] in ENGINES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in ENGINES:
            found.append(f"from {node.module} import ...")
        elif isinstance(node, ast.Name) and node.id == "re":
            found.append(f"re at line {node.lineno}")
    return found


@pytest.mark.parametrize(
    "path",
    sorted(p for p in PACKAGE.rglob("*.py") if p.name != "patterns.py"),
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_no_module_but_patterns_reaches_a_regular_expression_engine(path):
    assert engine_uses(path) == []


def test_the_static_check_sees_every_way_of_reaching_re(tmp_path):
    module = tmp_path / "module.py"
    module.write_text(
        "import re as x\nfrom re import compile\nimport re2\ndef f(re):\n    return re.sub('a', 'b', 'c')\n"
    )
    assert len(engine_uses(module)) == 4


# -- the engines --------------------------------------------------------------------------------------


def test_every_pattern_runs_on_re2_or_cannot_backtrack(compiled):
    for (pattern, flags), found in compiled.items():
        if isinstance(found, re.Pattern):
            assert patterns.cannot_backtrack(_parser.parse(pattern, flags)), pattern
        else:
            assert isinstance(found, re2._Regexp), pattern


@pytest.mark.parametrize(
    "pattern", [r"(a+)+b", r"a*a*b", r"\s*\s*x", r"(?:ab)*c", r"a+b", r"[ab]+c|d", r"(a)", r"a|(b+)", r"x(?=y)", r"\bx"]
)
def test_a_pattern_that_can_backtrack_is_not_left_to_re(pattern):
    assert not patterns.cannot_backtrack(_parser.parse(pattern))


@pytest.mark.parametrize("pattern", [r"[abc]", r"x\d+", r"[.?!;:\n]+|,\s+", r"\s[?!:;»]", r"ab*?", r"[^a-z]{2,5}"])
def test_a_pattern_of_single_characters_ending_in_one_repeat_stays_on_re(pattern):
    assert patterns.cannot_backtrack(_parser.parse(pattern))


@pytest.mark.parametrize(
    "pattern, refused",
    [
        (r"\bsx", r"\b"),
        (r"(?<!\w)x", "lookaround"),
        (r"x(?!y)", "lookaround"),
        (r"(a)\1", "back-reference"),
        (r"a+$", r"\Z"),
        (r"[\W\d]+x", r"\W"),
    ],
)
def test_what_re2_cannot_mean_as_re_does_is_refused(pattern, refused):
    with pytest.raises(ValueError, match=re.escape(refused)):
        patterns.compile(pattern)


# -- the same meaning ---------------------------------------------------------------------------------


def atoms(items, ignorecase: bool):
    """(item, ignorecase) for each single-character element of a parsed pattern."""
    for op, av in items:
        if op in (sre.LITERAL, sre.NOT_LITERAL, sre.IN, sre.ANY):
            yield (op, av), ignorecase
        elif op is sre.BRANCH:
            for branch in av[1]:
                yield from atoms(branch, ignorecase)
        elif op is sre.SUBPATTERN:
            yield from atoms(av[3], (ignorecase or bool(av[1] & re.IGNORECASE)) and not av[2] & re.IGNORECASE)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            yield from atoms(av[2], ignorecase)


# Every character of the Unicode version Python knows, in order, so that a class matches in runs.
EVERY_CHARACTER = "".join(chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) not in ("Cn", "Cs"))


def test_every_class_and_letter_matches_the_same_characters_on_both_engines(compiled):
    """\\w, \\d, \\s, ranges and letters under IGNORECASE, as RE2 is given them, against re."""
    seen = set()
    for (pattern, flags), found in compiled.items():
        if isinstance(found, re.Pattern):
            continue
        tree = _parser.parse(pattern, flags)
        for item, ignorecase in atoms(tree, bool(tree.state.flags & re.IGNORECASE)):
            if (repr(item), ignorecase) in seen:
                continue
            seen.add((repr(item), ignorecase))
            state = _parser.State()
            state.flags = re.UNICODE | (re.IGNORECASE if ignorecase else 0)
            runs = _parser.SubPattern(state, [(sre.MAX_REPEAT, (1, sre.MAXREPEAT, _parser.SubPattern(state, [item])))])
            expected = "".join(_compiler.compile(runs, state.flags).findall(EVERY_CHARACTER))
            assert "".join(re2.compile(patterns.to_re2(runs)).findall(EVERY_CHARACTER)) == expected, (pattern, item)
    assert len(seen) > 30


def pieces(pattern: str, flags: int) -> list[str]:
    """What a pattern names: its letters and literal strings, characters of its classes (each end of
    a range, examples of \\w \\d \\s), in a stable order."""
    examples = {sre.CATEGORY_WORD: "aZé1_", sre.CATEGORY_DIGIT: "1٣", sre.CATEGORY_SPACE: " \n\u00a0"}
    found = {}

    def walk(items):
        literal = ""
        for op, av in items:
            if op is sre.LITERAL:
                literal += chr(av)
                continue
            found[literal] = found[literal[:1]] = None
            literal = ""
            if op is sre.NOT_LITERAL:
                found[chr(av)] = None
            elif op is sre.IN:
                for kind, value in av:
                    chars = {
                        sre.LITERAL: lambda: chr(value),
                        sre.RANGE: lambda: chr(value[0]) + chr(value[1]),
                        sre.CATEGORY: lambda: examples.get(value, " a."),
                    }.get(kind, lambda: "")()
                    found.update(dict.fromkeys(chars))
            elif op is sre.BRANCH:
                for branch in av[1]:
                    walk(branch)
            elif op is sre.SUBPATTERN:
                walk(av[3])
            elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
                walk(av[2])
        found[literal] = found[literal[:1]] = None

    walk(_parser.parse(pattern, flags))
    found.pop("", None)
    return list(found)


def short_texts(pattern: str, flags: int, count: int = 300) -> list[str]:
    """Short texts made of the pattern's own pieces: every pair, then some longer mixtures."""
    named = pieces(pattern, flags) + [" ", "x", "-"]
    texts = [a + b for a, b in itertools.product(named, repeat=2)]
    step = max(1, len(named) // 5)
    texts += ["".join(named[i::step][:8]) + "".join(named[j::step][:4]) for i in range(step) for j in range(step)]
    return texts[:count]


def test_every_pattern_finds_on_re2_what_re_finds(compiled):
    """On short texts, where re's backtracking is harmless, both engines find the same matches."""
    for (pattern, flags), found in compiled.items():
        reference = re.compile(pattern, flags)
        for text in short_texts(pattern, flags):
            assert [m.span() for m in found.finditer(text)] == [m.span() for m in reference.finditer(text)] and [
                m.groups() for m in found.finditer(text)
            ] == [m.groups() for m in reference.finditer(text)], (pattern, text)


def adversarial(pattern: str, flags: int, most: int = 60) -> list[str]:
    """Texts of the message limit made of the pattern's own pieces repeated — each alone, and pairs
    ("1 1 1 …", "a.a.a.…", "sx-sx-…") — ending with a character the pattern does not expect."""
    named = pieces(pattern, flags)
    units = named + ["".join(pair) for pair in itertools.permutations(named, 2)]
    chosen = units[: most // 2] + units[most // 2 :: max(1, len(units) // (most // 2))]
    return [(unit * (MAX_MESSAGE // len(unit)))[: MAX_MESSAGE - 1] + "\x00" for unit in chosen]


def test_every_pattern_gets_through_adversarial_messages(compiled):
    """Search, find all and substitute on every adversarial text complete (their time is printed,
    not asserted: a linear engine reads each character a bounded number of times)."""
    slowest = []
    for (pattern, flags), found in compiled.items():
        start = time.perf_counter()
        for text in adversarial(pattern, flags):
            first, whole = found.search(text), found.fullmatch(text)
            found.sub("", text)
            assert (first and first.span()) == next((m.span() for m in found.finditer(text)), None)
            assert whole is None or first.start() == 0
        slowest.append((time.perf_counter() - start, pattern))
    for seconds, pattern in sorted(slowest, reverse=True)[:5]:
        print(f"{seconds * 1000:8.1f} ms  {pattern}")
