"""A tenant's entries and phrasings as a spreadsheet that a support team edits in Excel, and the
drafts an edited one gives back.

The layout: one row per entry and language, in these columns (docs/spreadsheets.md tells a
vendor's support team the same):

- ``entry``: the entry's id; a new id makes a new entry (lowercase letters, digits and ``_``).
  ``out_of_scope`` rows hold the questions the assistant must not answer for this tenant, and any
  common intent (``greeting``, ``human``, …) may be given phrasings the same way: those rows have no
  topic, question or answer;
- ``language``: one of the tenant's languages (``fr``, ``en``);
- ``topic``: the entry's topic, the same on each of its rows (one may leave it empty);
- ``question``, ``answer``: the entry's question and answer in that language;
- ``phrasings``: the ways visitors ask it in that language, one per line of the cell;
- ``source``: where the entry comes from, the document's section and question, or ``staff``:
  shown for reference, never read back;
- ``retire``: ``yes`` retires the entry (its other cells are then not read).

An import never publishes: it compares each row with the tenant as it is and returns the changes
(``changes.py``) it would draft. A new entry id gives an ``entry`` change; a changed question,
answer or topic an ``edit`` (one an entry); a phrasing line that the entry does not have yet (case
and spacing aside) a ``phrasing``; an unchanged row nothing. Nothing is ever removed by leaving it
out: a missing row, a deleted phrasing line or an emptied cell retire nothing (an emptied question
or answer is a problem, but a row may leave both empty to give phrasings only). Every change goes through ``changes.checked``, and each problem names the
row (as Excel numbers it, the header being row 1) and the column. The caller drafts nothing when
there is any problem, and can show them all at once.

The files themselves, their limits and what guards them: ``sheetfiles.py``.
"""

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .. import patterns
from ..data.intents import COMMON_INTENTS, Example
from ..data.knowledge import Entry, Tenant
from . import changes
from .changes import MAX_ANSWER, MAX_QUESTION, TOPICS, ChangeError, Knowledge, checked
from .sheetfiles import Look, Problem, SheetError, csv_bytes, read_csv, read_xlsx, xlsx_bytes

__all__ = [
    "COLUMNS",
    "Problem",
    "SheetError",
    "export_rows",
    "import_rows",
    "layout_row",
    "read_csv",
    "read_xlsx",
    "to_csv",
    "to_xlsx",
]

COLUMNS = ("entry", "language", "topic", "question", "answer", "phrasings", "source", "retire")
REQUIRED = ("entry", "language", "topic", "question", "answer", "phrasings")  # source and retire may go
TEXTS = ("topic", "question", "answer", "phrasings", "retire")  # what makes a row more than blank
WIDTHS = {"entry": 28, "language": 10, "topic": 14, "question": 45, "answer": 80, "phrasings": 60, "source": 40}
YES = frozenset({"yes", "oui", "y", "o", "x", "1", "true", "vrai"})
NO = frozenset({"", "no", "non", "n", "0", "false", "faux"})
CONTROL = patterns.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_CHANGES = 2_000  # an import drafts at most this many changes
MAX_PROBLEMS = 200  # and lists at most this many problems before it stops


# ---------------------------------------------------------------- export


def export_rows(tenant: Tenant, examples: Iterable[Example]) -> list[dict[str, str]]:
    """The tenant as rows: each entry in each of the tenant's languages (empty texts where it lacks
    one, to be translated), then its phrasings of common intents (``out_of_scope``, …)."""
    phrasings: dict[tuple[str, str], list[str]] = {}
    for example in examples:
        if example.scope == tenant.id:
            phrasings.setdefault((example.intent, example.lang), []).append(example.text)
    rows = []
    for entry in tenant.entries.values():
        rows += [_entry_row(entry, lang, phrasings.get((entry.id, lang), [])) for lang in tenant.languages]
    for intent in sorted({intent for intent, _ in phrasings if intent in COMMON_INTENTS}):
        for lang in tenant.languages:
            rows.append(layout_row(intent, lang, phrasings=phrasings.get((intent, lang), [])))
    return rows


def _entry_row(entry: Entry, lang: str, phrasings: list[str]) -> dict[str, str]:
    source = entry.source if isinstance(entry.source, dict) else {}
    cited = " — ".join(source[key] for key in ("section", "question") if source.get(key)) or "staff"
    question, answer = entry.question.get(lang, ""), entry.answer.get(lang, "")
    return layout_row(entry.id, lang, entry.topic, question, answer, phrasings, cited)


def layout_row(
    entry: str,
    lang: str,
    topic: str = "",
    question: str = "",
    answer: str = "",
    phrasings: Sequence[str] = (),
    source: str = "",
) -> dict[str, str]:
    """A row of the layout, its cells not given left empty (a template's row, a test's)."""
    texts = (entry, lang, topic, question, answer, "\n".join(phrasings), source, "")
    return dict(zip(COLUMNS, texts))


def to_csv(rows: Iterable[Mapping[str, str]], separator: str = ";") -> bytes:
    """The rows as CSV for Excel (UTF-8 with a BOM): ``;`` for Excel in French, ``,`` in English."""
    return csv_bytes(COLUMNS, rows, separator)


def to_xlsx(rows: Iterable[Mapping[str, str]]) -> bytes:
    """The rows as an XLSX workbook, the rows' languages and the topics offered in lists."""
    rows = list(rows)
    languages = list(dict.fromkeys(row["language"] for row in rows if row.get("language"))) or ["fr", "en"]
    choices = {"language": languages, "topic": list(TOPICS), "retire": ["yes"]}
    return xlsx_bytes(COLUMNS, rows, Look("entries", WIDTHS, choices))


# ---------------------------------------------------------------- import


@dataclass(frozen=True)
class _Line:
    """A row that says something: its number in the sheet, its language and its cells, stripped."""

    number: int
    lang: str
    cells: dict[str, str]


def import_rows(
    rows: Sequence[Mapping[str, str]], known: Knowledge, examples: Iterable[Example]
) -> tuple[list[dict], list[Problem]]:
    """The changes the rows make to the tenant (``known.tenant``, with ``known.entries`` as its
    drafts leave them), each checked, and the problems found; with any problem, draft none."""
    problems = _missing_columns(rows)
    if problems:
        return [], problems
    groups, problems = _grouped(rows, known.tenant)
    have = _phrasings_known(examples, known.tenant.id)
    made: list[dict] = []
    for entry, lines in groups.items():
        if len(problems) >= MAX_PROBLEMS or len(made) > MAX_CHANGES:
            break
        head, found = _entry_changes(entry, lines, known)
        problems += found
        if found:
            continue
        if head and head[0]["kind"] == "entry":
            known = Knowledge(known.tenant, known.entries | {entry})
        tail, found = ([], []) if _retired(lines) else _new_phrasings(entry, lines, known, have)
        made += head + tail
        problems += found
    return made, _capped(problems, made, rows)


def _capped(problems: list[Problem], made: list[dict], rows: Sequence) -> list[Problem]:
    """The problems in the order of the rows, at most MAX_PROBLEMS, and one more when the import was
    too large to finish."""
    problems = sorted(problems, key=lambda problem: problem.row)
    last = len(rows) + 1
    if len(problems) >= MAX_PROBLEMS:
        note = f"Only the first {MAX_PROBLEMS} problems are listed: correct them and import again."
        return [*problems[:MAX_PROBLEMS], Problem(last, "entry", note)]
    if len(made) > MAX_CHANGES:
        note = f"An import makes at most {MAX_CHANGES} changes: import the rest in another file."
        return [*problems, Problem(last, "entry", note)]
    return problems


def _missing_columns(rows: Sequence[Mapping[str, str]]) -> list[Problem]:
    if not rows:
        return []
    named = ", ".join(REQUIRED)
    return [
        Problem(1, c, f"The column {c!r} is missing: the header names {named}.") for c in REQUIRED if c not in rows[0]
    ]


def _grouped(rows: Sequence[Mapping[str, str]], tenant: Tenant) -> tuple[dict[str, list[_Line]], list[Problem]]:
    """The rows that say something, by entry id, each with a known language and the only one of
    its entry in that language; problems for those that do not."""
    groups: dict[str, list[_Line]] = {}
    problems: list[Problem] = []
    for number, row in enumerate(rows, start=2):
        cells = {column: str(row.get(column) or "").strip() for column in COLUMNS}
        cells["language"] = cells["language"].lower()
        if not any(cells[column] for column in TEXTS):
            continue  # a blank row, or one with only its (read-only) source
        controls = [column for column in COLUMNS if CONTROL.search(cells[column])]
        if controls:
            note = "This cell holds a control character (an invisible one, other than a line break)."
            problems += [Problem(number, column, note) for column in controls]
            continue
        entry = cells["entry"]
        if not entry:
            problems.append(Problem(number, "entry", "Which entry? Write its id, or a new id for a new entry."))
            continue
        try:
            lang = changes.language(cells, tenant, "language")
        except ChangeError as error:
            problems.append(Problem(number, "language", str(error)))
            continue
        if any(line.lang == lang for line in groups.get(entry, [])):
            problems.append(Problem(number, "language", f"A second row for {entry!r} in {lang!r}: one row each."))
            continue
        groups.setdefault(entry, []).append(_Line(number, lang, cells))
    return groups, problems


def _entry_changes(entry: str, lines: list[_Line], known: Knowledge) -> tuple[list[dict], list[Problem]]:
    """The entry, edit or retire change that the rows of one entry id make, if any."""
    tenant = known.tenant
    if entry in tenant.entries and entry not in known.entries:
        return [], [Problem(lines[0].number, "entry", f"{entry!r} is retired in the drafts.")]
    if entry in tenant.entries:
        return _existing(tenant.entries[entry], lines, known)
    if entry in COMMON_INTENTS:
        return [], _only_phrasings(entry, lines)
    if entry in known.entries:
        note = f"{entry!r} is a draft not yet published: publish or discard it before importing its rows."
        return [], [Problem(lines[0].number, "entry", note)]
    return _new_entry(entry, lines, known)


def _existing(entry: Entry, lines: list[_Line], known: Knowledge) -> tuple[list[dict], list[Problem]]:
    """A retire when asked; else an edit of what differs from the entry, or nothing."""
    problems = _retire_values(lines)
    if _retired(lines) and not problems:
        return _checked({"kind": "retire", "entry": entry.id}, lines, known)
    topic, found = _topic(lines)
    problems += found
    edit: dict = {"kind": "edit", "entry": entry.id}
    if topic and topic != entry.topic:
        edit["topic"] = topic
    for line in lines:
        given = {name: line.cells[name] for name in ("question", "answer")}
        had = {"question": entry.question.get(line.lang, ""), "answer": entry.answer.get(line.lang, "")}
        if not any(given.values()):
            continue  # a row of phrasings only
        if not any(had.values()):
            problems += _both_or_neither(line)
        for name, limit in (("question", MAX_QUESTION), ("answer", MAX_ANSWER)):
            if had[name] and not given[name]:
                note = f"{name!r} is empty: a text is not removed here (write yes under 'retire' to retire the entry)."
                problems.append(Problem(line.number, name, note))
            elif given[name] and not _same(given[name], had[name]):
                problems += _text_problems(line, name, limit)
                edit.setdefault(name, {})[line.lang] = given[name]
    if problems:
        return [], problems
    return _checked(edit, lines, known) if len(edit) > 2 else ([], [])


def _new_entry(entry: str, lines: list[_Line], known: Knowledge) -> tuple[list[dict], list[Problem]]:
    """An entry change from the rows of a new id: a question and an answer in at least one language."""
    problems = [
        Problem(line.number, "retire", "Only an entry of the tenant can be retired.")
        for line in lines
        if line.cells["retire"].lower() not in NO
    ]
    topic, found = _topic(lines)
    problems += found
    question, answer = {}, {}
    for line in lines:
        problems += _both_or_neither(line)
        problems += _text_problems(line, "question", MAX_QUESTION) + _text_problems(line, "answer", MAX_ANSWER)
        if line.cells["question"] and line.cells["answer"]:
            question[line.lang], answer[line.lang] = line.cells["question"], line.cells["answer"]
    if not question and not problems:
        note = "A new entry needs a question and an answer in at least one language."
        problems.append(Problem(lines[0].number, "question", note))
    if problems:
        return [], problems
    payload = {"kind": "entry", "entry": entry, "topic": topic, "question": question, "answer": answer}
    return _checked(payload, lines, known)


def _only_phrasings(intent: str, lines: list[_Line]) -> list[Problem]:
    """A common intent's rows give phrasings only."""
    note = f"{intent!r} is not an entry but a common intent: only its phrasings are read."
    return [
        Problem(line.number, name, note)
        for line in lines
        for name in ("topic", "question", "answer", "retire")
        if line.cells[name] and not (name == "retire" and line.cells[name].lower() in NO)
    ]


def _new_phrasings(
    entry: str, lines: list[_Line], known: Knowledge, have: dict[tuple[str, str], set[str]]
) -> tuple[list[dict], list[Problem]]:
    """A phrasing change for each line of a ``phrasings`` cell that its entry does not have yet."""
    made, problems = [], []
    for line in lines:
        seen = set(have.get((entry, line.lang), ()))
        for offset, text in enumerate(line.cells["phrasings"].split("\n"), start=1):
            text = text.strip()
            if not text or _key(text) in seen:
                continue
            seen.add(_key(text))
            try:
                made.append(checked({"kind": "phrasing", "entry": entry, "lang": line.lang, "text": text}, known))
            except ChangeError as error:
                problems.append(Problem(line.number, "phrasings", f"Line {offset} of the cell: {error}"))
    return made, problems


# ---------------------------------------------------------------- cells


def _checked(payload: dict, lines: list[_Line], known: Knowledge) -> tuple[list[dict], list[Problem]]:
    """The change as ``changes.checked`` keeps it, or its ChangeError as a problem in a cell."""
    try:
        return [checked(payload, known)], []
    except ChangeError as error:
        return [], [_located(error, lines)]


def _located(error: ChangeError, lines: list[_Line]) -> Problem:
    """The cell a ChangeError is about: its field's column (a language's: that row's question),
    on the first row that fills it."""
    for line in lines:
        if error.field == line.lang:
            return Problem(line.number, "question", str(error))
    column = error.field if error.field in COLUMNS else "entry"
    line = next((line for line in lines if line.cells[column]), lines[0])
    return Problem(line.number, column, str(error))


def _topic(lines: list[_Line]) -> tuple[str | None, list[Problem]]:
    """The topic the rows give (empty cells aside), or None; a problem where one disagrees."""
    given = [line for line in lines if line.cells["topic"]]
    if not given:
        return None, []
    first = given[0].cells["topic"]
    return first, [
        Problem(
            line.number, "topic", f"The rows of one entry give one topic: {first!r} above, not {line.cells['topic']!r}."
        )
        for line in given[1:]
        if line.cells["topic"] != first
    ]


def _text_problems(line: _Line, name: str, limit: int) -> list[Problem]:
    if not line.cells[name]:
        return []
    try:
        changes.text(line.cells, name, limit)
    except ChangeError as error:
        return [Problem(line.number, name, str(error))]
    return []


def _both_or_neither(line: _Line) -> list[Problem]:
    """A language an entry does not have yet needs both its question and its answer."""
    filled = [name for name in ("question", "answer") if line.cells[name]]
    if len(filled) != 1:
        return []
    missing = "answer" if filled == ["question"] else "question"
    return [
        Problem(line.number, missing, f"A question needs its answer, and an answer its question: {missing!r} is empty.")
    ]


def _retire_values(lines: list[_Line]) -> list[Problem]:
    note = "Write yes under 'retire' to retire the entry, or leave the cell empty."
    return [Problem(line.number, "retire", note) for line in lines if line.cells["retire"].lower() not in YES | NO]


def _retired(lines: list[_Line]) -> bool:
    return any(line.cells["retire"].lower() in YES for line in lines)


def _phrasings_known(examples: Iterable[Example], tenant: str) -> dict[tuple[str, str], set[str]]:
    """The phrasings an intent has in each language, for this tenant or common to all, as keys."""
    have: dict[tuple[str, str], set[str]] = {}
    for example in examples:
        if example.scope in (tenant, "common"):
            have.setdefault((example.intent, example.lang), set()).add(_key(example.text))
    return have


def _key(text: str) -> str:
    """A phrasing as compared: Unicode composed, spacing and case aside."""
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _same(given: str, had: str) -> bool:
    """Whether a cell says what the entry says: Unicode composed, line endings and trailing spaces aside."""
    clean = lambda text: "\n".join(line.rstrip() for line in unicodedata.normalize("NFC", text).splitlines()).strip()
    return clean(given) == clean(had)
