"""A file's text before any importer reads it: which encoding it is in, and whether it is text at all.

Excel saves "CSV" as cp1252 and "Unicode text" as UTF-16, so a file that is not UTF-8 is common, and each
must end in one line naming the file and the line, never a traceback halfway through an import. UTF-8 is
read with or without its byte-order mark; UTF-16 only by its mark (without one it can't be told from text
full of NUL characters, and NUL is refused anyway: PostgreSQL can't store it).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from data.figures.importers.errors import ImportRejected, MappingError, RowProblem
from data.figures.validation import MAX_TEXT_CHARS

BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
CHUNK = 1 << 20
SAVE_AS = "save it as “CSV UTF-8”"
Row = dict[str, str]


def open_bytes(path: Path) -> IO[bytes]:
    """The file's bytes; a `.gz` file (the national files ship compressed) decompressed as it is read."""
    if path.suffix == ".gz":
        return gzip.GzipFile(path, "rb")  # type: ignore[return-value]  # a GzipFile is a binary file object
    return path.open("rb")


def open_text(path: Path) -> io.TextIOWrapper:
    """The file as text for the csv module, in the encoding its byte-order mark names."""
    return io.TextIOWrapper(open_bytes(path), encoding=text_encoding(path), newline="")


def text_encoding(path: Path) -> str:
    """The encoding to open the file with, by its byte-order mark (none: UTF-8)."""
    with open_bytes(path) as handle:
        start = handle.read(4)
    return next((name for bom, name in BOMS if start.startswith(bom)), "utf-8")


def check_text(path: Path) -> None:
    """The whole file decodes and holds no NUL character; otherwise the first bad line, in one line.
    Read in chunks, so a large file is not held in memory twice."""
    encoding = text_encoding(path)
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 0
    with open_bytes(path) as handle:
        while True:
            chunk = handle.read(CHUNK)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                raise _undecodable(path.name, encoding, lines, error) from None
            nul = text.find("\x00")
            if nul >= 0:
                line = lines + text.count("\n", 0, nul) + 1
                reason = f"a NUL character (UTF-16 without its byte-order mark, or not a text file); {SAVE_AS}"
                raise ImportRejected([RowProblem(line, reason)])
            lines += text.count("\n")
            if not chunk:
                return


def _undecodable(file_name: str, encoding: str, lines: int, error: UnicodeDecodeError) -> MappingError:
    if encoding == "utf-16":
        return MappingError(f"{file_name} is not a UTF-16 text file past line {lines + 1}; {SAVE_AS}")
    line = lines + error.object[: error.start].count(b"\n") + 1
    byte = error.object[error.start]
    return MappingError(
        f"{file_name} is not a UTF-8 CSV file: line {line} has byte 0x{byte:02x}, which UTF-8 does not use; {SAVE_AS}"
    )


def rows_of(reader: csv.DictReader[str]) -> Iterator[tuple[int, Row]]:
    """The reader's rows with their line numbers, names and cells stripped, cells past the header dropped;
    a malformed or over-long field rejects the file at its line rather than raising from deep in csv."""
    try:
        for row in reader:
            cleaned = {key.strip(): (value or "").strip() for key, value in row.items() if isinstance(key, str)}
            longest = max(map(len, cleaned.values()), default=0)
            if longest > MAX_TEXT_CHARS:
                reason = f"a field is {longest:,} characters long; the most briefbot reads is {MAX_TEXT_CHARS:,}"
                raise ImportRejected([RowProblem(reader.line_num, reason)])
            yield reader.line_num, cleaned
    except csv.Error as error:
        raise ImportRejected([RowProblem(reader.reader.line_num, _csv_reason(error))]) from None


def _csv_reason(error: csv.Error) -> str:
    text = str(error)
    if "field larger than field limit" in text:
        limit = csv.field_size_limit()
        return f"a field is longer than {limit:,} characters; the most briefbot reads is {MAX_TEXT_CHARS:,}"
    return f"not a well-formed CSV line ({text})"
