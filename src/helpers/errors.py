"""The project's exception type: every failure to read a report names the file and the cause."""

from __future__ import annotations

# Error kinds (the ``type`` of an error record).
EMPTY_FILE = "empty_file"
BINARY_FILE = "binary_file"
UNDECODABLE = "undecodable_text"
NOT_A_REPORT = "not_a_report"
ATTACHMENT_ONLY = "attachment_only"  # a page with the report's title and a link to it as a .doc/.pdf/… file
UNSUPPORTED_FORMAT = "unsupported_format"
UNREADABLE = "unreadable_file"
CORRUPT_FILE = "corrupt_file"  # a PDF/DOCX/XLSX whose structure cannot be opened
ENCRYPTED = "encrypted"  # needs a password to open
NO_TEXT_LAYER = "no_text_layer"  # no text to read: a scan with OCR off, or one where OCR found none
CONVERTER_MISSING = "converter_missing"  # .doc/.wps need LibreOffice, which is not installed
TOO_LARGE = "too_large"  # over a size, page, cell or memory limit (helpers.limits), nothing of a report read
BOMB = "bomb"  # an archive member that inflates out of all proportion, or XML entities that expand
TIMEOUT = "timeout"  # reading it took longer than the wall-time limit: its worker was stopped
WORKER_DIED = "worker_died"  # the process reading it died (a crash in a library, or killed from outside)
PARSER_ERROR = "parser_error"  # an unexpected failure inside the workbook: a bug to report


class ReportError(Exception):
    """A file that could not be read as an annual report.

    >>> err = ReportError("a.txt", EMPTY_FILE, "the file is empty")
    >>> str(err), err.as_record()
    ('a.txt: the file is empty', {'type': 'empty_file', 'message': 'the file is empty'})
    """

    def __init__(self, path: str, kind: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.kind = kind
        self.message = message

    def as_record(self) -> dict[str, str]:
        return {"type": self.kind, "message": self.message}
