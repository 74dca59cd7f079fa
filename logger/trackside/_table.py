"""``trackside.Table`` and ``trackside.Text``: written to a JSON or text file on the writer thread."""

import itertools
import json

from ._encode import sanitize
from ._histogram import _plain
from ._media import Image, Media, _note, _reason, _text_of
from ._warn import warn

MAX_ROWS = 10000
MAX_COLUMNS = 1000
MAX_CELLS = 1 << 20
MAX_TEXT = 4 << 20  # characters
CELL_STR_CAP = 64 << 10
PREVIEW = 200

_dumps = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode


class Table(Media):
    """Columns and rows of numbers, strings, booleans, None and Images. At most 10,000 rows (and 2**20 cells) are
    kept, with ``truncated`` and a warning past that. ``data=`` is W&B's name for ``rows``; rows may be any
    sequence or iterable of sequences (a generator is read up to the cap)."""

    kind = "table"

    def __init__(self, columns=None, rows=None, data=None):
        self._error = None
        self.truncated = False
        self.columns = []
        self.rows = []
        try:
            rows = data if rows is None else rows
            rows = [] if rows is None else rows
            total = len(rows) if hasattr(rows, "__len__") else None
            if columns is None:
                first = next(iter(rows), None) if total != 0 else None
                columns = ["c%d" % i for i in range(len(first))] if first is not None else []
            columns = [_text_of(c, 1000, "column name") for c in columns]
            if len(columns) > MAX_COLUMNS:
                _note(self, "%d columns cut to %d" % (len(columns), MAX_COLUMNS))
                columns = columns[:MAX_COLUMNS]
            self.columns = columns
            cap = max(1, min(MAX_ROWS, MAX_CELLS // max(1, len(columns))))
            head = rows[:cap + 1] if hasattr(rows, "__getitem__") and total is not None else \
                list(itertools.islice(iter(rows), cap + 1))
            width = len(columns)
            kept = []
            for row in itertools.islice(head, cap):
                row = list(_plain(row) if not isinstance(row, (list, tuple)) else row)
                kept.append((row + [None] * (width - len(row)))[:width])
            self.rows = kept
            if (total if total is not None else len(head)) > cap:
                self.truncated = True
                many = total if total is not None else "more than %d" % cap
                _note(self, "table of %s rows cut to the first %d" % (many, cap))
            self._nbytes = 64 * len(kept) * max(1, width)
        except Exception as e:
            self._error = _reason(e)
            warn("table not logged: %s" % self._error, key=("media-table", self._error[:80]))

    def _render(self, out):
        if self._error is not None:
            raise ValueError(self._error)
        stem = out.unique_stem(".table.json")
        problems = []
        rows = []
        for r, row in enumerate(self.rows):
            cells = []
            for c, cell in enumerate(row):
                if isinstance(cell, Image):
                    try:
                        item = cell._item(out, "%s.cells/%d-%d" % (stem, r, c))
                        cells.append({"$image": item["path"], "width": item["width"], "height": item["height"]})
                    except Exception as e:
                        problems.append("image in row %d, column %d not logged: %s" % (r, c, _reason(e)))
                        cells.append(None)
                else:
                    cells.append(_cell(cell))
            rows.append(cells)
        path = out.write(stem + ".table.json", _dumps({"columns": self.columns, "rows": rows}).encode("ascii"))
        record = {"kind": "table", "path": path, "columns": self.columns, "nrows": len(rows),
                  "truncated": self.truncated}
        if problems:
            _note(self, "; ".join(problems[:10]) + ("; ..." if len(problems) > 10 else ""))
        return record


def _cell(v):
    t = type(v)
    if t is str:
        return v if len(v) <= CELL_STR_CAP else v[:CELL_STR_CAP] + "...[%d more characters]" % (len(v) - CELL_STR_CAP)
    if v is None or t is bool or t is int:
        return sanitize(v)
    if t is float:
        return sanitize(v)
    plain = sanitize(v, str_cap=CELL_STR_CAP, items_cap=1000)
    if plain is None or isinstance(plain, (str, bool, int, float)) or (type(plain) is dict and (
            "$float" in plain or "$int" in plain) and len(plain) == 1):
        return plain
    return _cell(_dumps(plain))  # a list or dict in a cell: shown as its JSON text


class Text(Media):
    """A text (markdown allowed; readers show it as text, never HTML)."""

    kind = "text"

    def __init__(self, text):
        self.text = _text_of(text, MAX_TEXT, "text", self)
        self._nbytes = len(self.text)

    def _render(self, out):
        data = self.text.encode("utf-8", "replace")  # lone surrogates become "?"
        path = out.write(out.unique_stem(".txt") + ".txt", data)
        return {"kind": "text", "path": path, "chars": len(self.text), "preview": self.text[:PREVIEW]}
