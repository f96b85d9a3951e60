"""Read the bytes of an uploaded "CSV" as the text its spreadsheet program meant.

What people really export: UTF-8 with or without a byte-order mark (Excel's "CSV UTF-8", Google
Sheets, LibreOffice), UTF-16 with a mark (Excel's "Unicode text", Numbers), Windows-1252 (Excel's
plain "CSV" on Windows), with LF, CRLF or bare CR (old Mac Excel) line endings. What people
upload by mistake under a .csv name: an old Excel .xls (an OLE2 compound file), a new .xlsx (a
zip), a PDF, an image, random bytes. The first are decoded; the second are refused with a message
that says what the file is and what to do, never read as garbage headers.
"""

import codecs
import csv
import io

from django.utils.translation import gettext as _


class NotText(Exception):
    """The bytes are not a text spreadsheet; the message says why, in the user's language."""


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old Excel .xls, .doc, .msg
ZIP = b"PK\x03\x04"  # .xlsx, .ods, .docx, any zip
# Signatures of files people pick by mistake.
OTHER_FORMATS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
# Characters no spreadsheet writes into a CSV cell: C0 controls other than tab and line ends.
_CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\r"} | {"\x7f"}


def is_zip(content: bytes) -> bool:
    return content.startswith(ZIP)


def old_excel_message() -> str:
    return _(
        "This is an old Excel file (.xls). Open it in Excel and save it as “Excel Workbook "
        "(.xlsx)” or “CSV UTF-8”, then upload that file."
    )


def decode(content: bytes) -> str:
    """The text of a CSV file's bytes, or NotText with the reason."""
    if content.startswith(OLE2):
        raise NotText(old_excel_message())
    if content.startswith(OTHER_FORMATS):
        raise NotText(
            _("This file is not a spreadsheet (it looks like a PDF, an image or an archive).")
        )
    text = _decode_text(content)
    sample = text[:20000]
    if sample and sum(ch in _CONTROL for ch in sample) > max(2, len(sample) // 1000):
        raise NotText(
            _(
                "This file is not a text spreadsheet: it holds binary data. Save your "
                "spreadsheet as CSV (or .xlsx) and upload it again."
            )
        )
    return text


def _decode_text(content: bytes) -> str:
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its mark starts the same way
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if content.startswith(bom):
            try:
                return content.decode(encoding)
            except UnicodeDecodeError as exc:
                raise NotText(
                    _("This file says it is Unicode text but is damaged. Export it again.")
                ) from exc
    head = content[:4096]
    # UTF-16 without a mark: every other byte of ASCII text is zero.
    if len(head) >= 4 and head.count(0) * 3 >= len(head):
        even, odd = head[0::2].count(0), head[1::2].count(0)
        encoding = "utf-16-be" if even > odd * 4 else "utf-16-le" if odd > even * 4 else ""
        if encoding:
            try:
                return content.decode(encoding)
            except UnicodeDecodeError:
                pass
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # Windows-1252 leaves five bytes undefined: a file using them is not Windows text.
        return content.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise NotText(
            _(
                "This file is not a text spreadsheet: its characters could not be read. Save "
                "your spreadsheet as “CSV UTF-8” (or .xlsx) and upload it again."
            )
        ) from exc


def rows(text: str) -> list[list[str]]:
    """The rows of CSV text, whatever its line endings (LF, CRLF, bare CR) and delimiter."""
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    # newline="": the reader itself splits on \n, \r\n and \r, and keeps line breaks that are
    # inside a quoted cell.
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""), dialect)]
