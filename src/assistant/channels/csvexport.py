"""CSV that a spreadsheet opens without running what visitors typed.

A cell that begins with = + - @, a tab or a carriage return is read by Excel, LibreOffice and
Google Sheets as a formula (=HYPERLINK(...) sends data away, -2+3 computes). OWASP's rule, which
the defusedcsv library applies too: such a cell is written with a single quote in front, which the
spreadsheet shows as text. Every cell is quoted.
"""

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The cell as a spreadsheet should read it: text that would start a formula, quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(stream, columns: list[str], rows) -> None:
    """A header, then each row's ``columns`` (already plain values), every cell neutralised."""
    writer = csv.writer(stream, quoting=csv.QUOTE_ALL)
    writer.writerow(columns)
    writer.writerows([neutralise(row.get(c)) for c in columns] for row in rows)
