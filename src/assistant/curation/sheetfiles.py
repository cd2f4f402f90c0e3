"""Tables as spreadsheet files: CSV and XLSX written for Excel, and read back from whatever staff upload.

A table is a header row of column names, then rows as ``{column: text}``. What is read is hostile
until shown otherwise: staff upload it, and a stolen staff token is anyone's. So every size is
checked before work is spent on it:

- a file over ``MAX_BYTES`` is refused before it is decoded or unzipped;
- a table over ``MAX_ROWS`` rows is refused as soon as its row ``MAX_ROWS + 1`` is read, and a cell
  over Excel's own limit (``MAX_CELL`` characters) when it is read;
- an XLSX file is a zip: its members are counted and their declared uncompressed sizes added up
  before anything is inflated (Python's zipfile never inflates a member past its declared size, so
  a lying header only ends the read early), and an XML member that declares a DTD (``<!DOCTYPE``,
  the way to entity expansion, which Excel never writes) is refused before openpyxl parses it.

CSV is written as UTF-8 with a byte order mark (without it Excel reads UTF-8 as the ANSI code page),
with ``;`` (what Excel in French expects, its decimal separator being the comma) or ``,``; a cell
is quoted when it holds the separator, a quote or a line break, so line breaks inside a cell
survive. Read, a CSV may have a BOM or not; without one it is UTF-8, or else Windows-1252, which
Excel's plain "CSV" format writes in French. Its separator is the one of ``;`` and ``,`` that its
header line holds more of.

Formulas: a cell that starts with ``= + - @``, a tab or a carriage return is run by a spreadsheet
as a formula (``=HYPERLINK(…)`` sends data away). In CSV such a cell is written with a single quote
in front (OWASP's rule, as ``channels/csvexport.py`` does for the staff's lists), and one such quote
is removed when the file is read back, so the text round-trips. In XLSX the cell is written as
text with Excel's "quote prefix" style: Excel shows it as typed and never runs it, and openpyxl
reads back the text itself.
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

MAX_BYTES = 5_000_000  # the largest tenant exports 0.3 MB as CSV, 0.1 MB as XLSX
MAX_ROWS = 5_000  # rows under the header; the largest tenant exports 158
MAX_COLUMNS = 30
MAX_CELL = 32_767  # Excel's own limit for a cell's text
MAX_UNCOMPRESSED = 50_000_000  # an XLSX's members, inflated (XML is about 10 times its zip)
MAX_MEMBERS = 200
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_DTD = tuple("<!DOCTYPE".encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be"))
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Problem:
    """What is wrong, where Excel shows it: ``row`` counts from 1, the header's row."""

    row: int
    column: str
    message: str


class SheetError(ValueError):
    """A file that is not read at all (too large, not CSV or XLSX, no header), with where when known."""

    def __init__(self, message: str, row: int = 1, column: str = ""):
        super().__init__(message)
        self.problem = Problem(row, column, message)


# ---------------------------------------------------------------- writing


def guarded(text: str) -> bool:
    """Whether a CSV cell needs a quote in front: it would start a formula, or it starts with a
    quote that reading would otherwise remove (so every text round-trips)."""
    return text.startswith(FORMULA_STARTS) or (text.startswith("'") and guarded(text[1:]))


def csv_bytes(columns: Sequence[str], rows: Iterable[Mapping[str, str]], separator: str = ";") -> bytes:
    """The table as CSV for Excel: UTF-8 with a BOM, ``separator`` between cells, CRLF between rows."""
    if separator not in (";", ","):
        raise ValueError("the separator is ';' or ','")
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for row in rows:
        cells = (row.get(column) or "" for column in columns)
        writer.writerow("'" + cell if guarded(cell) else cell for cell in cells)
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


@dataclass(frozen=True)
class Look:
    """How an XLSX sheet is laid out: its title, each column's width (in characters) and the values
    a column accepts (Excel offers them in a list and refuses others)."""

    title: str
    widths: Mapping[str, int]
    choices: Mapping[str, Sequence[str]]


def xlsx_bytes(columns: Sequence[str], rows: Iterable[Mapping[str, str]], look: Look) -> bytes:
    """The table as an XLSX workbook of one sheet: a bold header row, frozen and filtered; wide
    columns wrapped; every cell text, never a formula. Characters XML cannot hold (control
    characters other than tab and line breaks) are left out."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = look.title
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, row in enumerate(rows, start=2):
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(row=number, column=index, value=ILLEGAL_CHARACTERS_RE.sub("", row.get(column) or ""))
            cell.data_type = "s"  # openpyxl takes "=…" for a formula and "#N/A" for an error
            cell.alignment = wrap
            cell.quotePrefix = guarded(cell.value)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = look.widths.get(column, 14)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    _add_choices(sheet, columns, look.choices)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _add_choices(sheet, columns: Sequence[str], choices: Mapping[str, Sequence[str]]) -> None:
    """A list to pick from in each column that has choices (when they fit Excel's 255 characters)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for column, values in choices.items():
        listed = ",".join(values)
        if column not in columns or len(listed) > 253:
            continue
        letter = get_column_letter(columns.index(column) + 1)
        check = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
        check.error, check.errorTitle = f"One of: {', '.join(values)}", column
        sheet.add_data_validation(check)
        check.add(f"{letter}2:{letter}{MAX_ROWS + 1}")


# ---------------------------------------------------------------- reading


def read_csv(data: bytes) -> list[dict[str, str]]:
    """The rows of a CSV file under its header, ``{column: text}``; the n-th is the sheet's row n + 1.
    Column names are read in lowercase; blank rows are kept (empty texts), so numbers stay Excel's."""
    _check_size(data)
    text = _decoded(data)
    header_line = text.split("\n", 1)[0]
    separator = max((";", ","), key=header_line.count)
    if not header_line.count(separator):
        raise SheetError("The first row must be the header, its columns separated by ';' or ','.", column="entry")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        return _table([_unguarded(cell) for cell in record] for record in reader)
    except csv.Error as error:  # a NUL byte, a cell over csv's own limit
        raise SheetError(f"Row {reader.line_num} cannot be read as CSV: {error}.", row=reader.line_num) from error


def read_xlsx(data: bytes) -> list[dict[str, str]]:
    """The rows of an XLSX workbook's first sheet under its header, as ``read_csv`` gives them."""
    from openpyxl import load_workbook

    _check_size(data)
    _check_archive(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds on a broken file: each means the same
        raise SheetError("This file cannot be read as an XLSX workbook.") from error
    try:
        sheet = book.worksheets[0]
        if (sheet.max_row or 0) > MAX_ROWS + 1:  # its declared size, when it has one
            raise SheetError(f"A sheet has at most {MAX_ROWS} rows under its header.", row=MAX_ROWS + 2)
        rows = sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS + 1, values_only=True)
        return _table([_xlsx_text(value) for value in row] for row in rows)
    except SheetError:
        raise
    except Exception as error:
        raise SheetError("This file cannot be read as an XLSX workbook.") from error
    finally:
        book.close()


def _check_size(data: bytes) -> None:
    if len(data) > MAX_BYTES:
        raise SheetError(f"The file is {len(data):,} bytes; at most {MAX_BYTES:,} are read.")
    if not data:
        raise SheetError("The file is empty.")


def _decoded(data: bytes) -> str:
    """The file's text: UTF-8 after a BOM, UTF-8 without one, else Windows-1252 (Excel's French CSV)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SheetError("This file is UTF-16 (Excel's 'Unicode text'): save it as 'CSV UTF-8' instead.")
    encodings = ["utf-8-sig"] if data.startswith(codecs.BOM_UTF8) else ["utf-8", "cp1252"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError("This file's text is not UTF-8 (nor Windows-1252 without a BOM): save it as 'CSV UTF-8'.")


def _check_archive(data: bytes) -> None:
    """Refuse a zip that would inflate past the limits, or whose XML declares a DTD."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise SheetError("This file is not an XLSX workbook (an XLSX file is a zip archive).") from error
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise SheetError(f"This workbook holds {len(members)} parts; at most {MAX_MEMBERS} are read.")
        if sum(member.file_size for member in members) > MAX_UNCOMPRESSED:
            raise SheetError(f"This workbook unpacks to more than {MAX_UNCOMPRESSED:,} bytes.")
        for member in members:
            if member.filename.endswith((".xml", ".rels", ".vml")) and _declares_dtd(archive, member):
                raise SheetError("This workbook's XML declares a DTD, which Excel never writes: refused.")


def _declares_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    try:
        with archive.open(member) as stream:
            tail = b""
            while chunk := stream.read(_CHUNK):
                window = tail + chunk
                if any(marker in window for marker in _DTD):
                    return True
                tail = window[-32:]
    except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as error:  # CRC, encrypted, method
        raise SheetError("This workbook's zip archive is damaged or encrypted.") from error
    return False


def _table(records: Iterable[list[str]]) -> list[dict[str, str]]:
    """The header's names and the rows under them; trailing blank rows left out."""
    records = iter(records)
    names = _header(next(records, None))
    rows: list[dict[str, str]] = []
    for number, record in enumerate(records, start=2):
        if number > MAX_ROWS + 1:
            raise SheetError(f"A sheet has at most {MAX_ROWS} rows under its header.", row=number)
        rows.append(_row(number, record, names))
    while rows and not any(rows[-1].values()):
        rows.pop()
    return rows


def _header(record: list[str] | None) -> list[str]:
    if record is None:
        raise SheetError("The file is empty: its first row must be the header.")
    names = [cell.strip().lower() for cell in record]
    while names and not names[-1]:
        names.pop()
    if len(names) > MAX_COLUMNS:
        raise SheetError(f"The header names {len(names)} columns; at most {MAX_COLUMNS} are read.")
    for index, name in enumerate(names):
        if not name:
            raise SheetError(f"Column {_letter(index)} of the header has no name.", column=_letter(index))
        if name in names[:index]:
            raise SheetError(f"The header names the column {name!r} twice.", column=name)
    return names


def _row(number: int, record: list[str], names: list[str]) -> dict[str, str]:
    for index, cell in enumerate(record):
        if len(cell) > MAX_CELL:
            name = names[index] if index < len(names) else _letter(index)
            raise SheetError(f"A cell holds at most {MAX_CELL} characters.", row=number, column=name)
        if index >= len(names) and cell.strip():
            raise SheetError(
                f"Row {number} has a cell in column {_letter(index)}, which the header does not name"
                " (a separator inside a cell that is not quoted?).",
                row=number,
                column=_letter(index),
            )
    return {name: record[index] if index < len(record) else "" for index, name in enumerate(names)}


def _letter(index: int) -> str:
    """Excel's name of a column from its index from 0: A, B, …, Z, AA, …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _unguarded(cell: str) -> str:
    """A CSV cell's text: line breaks as ``\\n``, and the quote that guarded a formula removed."""
    cell = cell[1:] if cell.startswith("'") and guarded(cell[1:]) else cell
    return cell.replace("\r\n", "\n").replace("\r", "\n")


def _xlsx_text(value: object) -> str:
    """A cell's value as text: a whole number without ``.0``, a date in ISO form."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[no-any-return]
    return str(value).replace("\r\n", "\n").replace("\r", "\n")
