"""Read a bundle into per-class Arrow columns, without one Python object per record, and validate it.

The checks and messages are those of :func:`loaders.bundle.load_bundle` with ``shacl=False``
(``_read_records``/``_check_records``), vectorised over columns. YAML-declared records (the taxonomy,
small example bundles) and CSV files the fast reader does not handle byte for byte like ``csv.reader``
(any ``"`` quote character, blank lines, lone ``\\r`` line ends, repeated header columns, rows of the
wrong width, invalid UTF-8) go through the record loader's own code for that file and are turned into
columns afterwards, so their problems and line numbers are the record loader's.

Entry point: :func:`read_columnar` (records as columns plus the problem list) and
:func:`load_columnar` (raise :class:`~loaders.records.BundleError` on any problem).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from loaders.bundle import (ID_PATTERN, _convert_value, _display, _Reader, entry_record, read_main, _Scalar,
                            _CSV_SEPARATOR, _DATE_ORDER, _NO_POWER_ROLES, _VILLAGE_KINDS)
from loaders.records import BundleError, Problem, Record, gc_paused
from ontology.model import ClassDef, Field, Model, model as default_model

__all__ = ["Segment", "ColumnarBundle", "read_columnar", "load_columnar", "hash_id", "hash_strings"]

_ID_RE2 = r"^[A-Za-z][A-Za-z0-9_.\-]*$"
TIMINGS: dict[str, float] = {}  # seconds per phase of the last read (diagnostics)


RSS_MB: dict[str, float] = {}  # resident memory after each phase of the last read (diagnostics)


def _tick(phase: str, t0: list[float]) -> None:
    now = time.perf_counter()
    TIMINGS[phase] = TIMINGS.get(phase, 0.0) + now - t0[0]
    t0[0] = now
    try:
        with open("/proc/self/statm") as fh:
            RSS_MB[phase] = int(fh.read().split()[1]) * 4096 / 2**20
    except OSError:
        pass


_KEEP_RESOLVED = {"post", "assigned_to", "within", "broader", "sub_organization_of"}
_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
_MASK = (1 << 64) - 1


# ----------------------------------------------------------------------------- hashing ids
def hash_id(s: str) -> int:
    """64-bit hash of an id: FNV-style over its UTF-8 bytes as little-endian 8-byte words (zero padded),
    then the length, then murmur3's finaliser. The same as :func:`hash_strings`; equal hashes do not mean
    equal ids (callers compare the strings)."""
    b = s.encode("utf-8")
    n = len(b)
    b += b"\0" * (-n % 8)
    h = _FNV_OFFSET
    for k in range(0, len(b), 8):
        h = ((h ^ int.from_bytes(b[k:k + 8], "little")) * _FNV_PRIME) & _MASK
    h = ((h ^ n) * _FNV_PRIME) & _MASK
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & _MASK
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & _MASK
    return h ^ (h >> 33)


def hash_strings(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """:func:`hash_id` of every string of a string array without nulls, vectorised (uint64)."""
    if isinstance(arr, pa.ChunkedArray):
        parts = [hash_strings(c) for c in arr.chunks]
        return np.concatenate(parts) if parts else np.zeros(0, np.uint64)
    if arr.type == pa.large_string():
        arr = arr.cast(pa.string())
    n = len(arr)
    if n == 0:
        return np.zeros(0, np.uint64)
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int32)[arr.offset: arr.offset + n + 1].astype(np.int64)
    lens_all = offsets[1:] - offsets[:-1]
    width = max(8, int(-(-int(lens_all.max()) // 8) * 8))
    raw = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    lo_b, hi_b = int(offsets[0]), int(offsets[-1])
    data = np.zeros(hi_b - lo_b + width, np.uint8)
    data[: hi_b - lo_b] = raw[lo_b:hi_b]
    windows = np.lib.stride_tricks.sliding_window_view(data, width)
    prime = np.uint64(_FNV_PRIME)
    col = np.arange(width)
    words_n = width // 8
    out = np.empty(n, np.uint64)
    step = 1 << 18
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        starts = offsets[lo:hi] - lo_b
        lens = lens_all[lo:hi]
        block = windows[starts]  # (rows, width) bytes from each string's start
        block *= col[None, :] < lens[:, None]
        words = block.view("<u8")
        nw = (lens + 7) // 8
        h = np.full(hi - lo, _FNV_OFFSET, np.uint64)
        for k in range(words_n):
            step_h = (h ^ words[:, k]) * prime
            h = np.where(nw > k, step_h, h)
        h = (h ^ lens.astype(np.uint64)) * prime
        h ^= h >> np.uint64(33)
        h *= np.uint64(0xFF51AFD7ED558CCD)
        h ^= h >> np.uint64(33)
        h *= np.uint64(0xC4CEB9FE1A85EC53)
        h ^= h >> np.uint64(33)
        out[lo:hi] = h
    return out


def take_chunked(values: pa.ChunkedArray | pa.Array, nums: np.ndarray) -> pa.Array:
    """``values.take(nums)`` as one array, without concatenating the chunks of ``values`` first (Arrow's
    ChunkedArray.take copies the whole column for every call)."""
    if not isinstance(values, pa.ChunkedArray):
        return values.take(pa.array(nums))
    if values.num_chunks == 1:
        return values.chunk(0).take(pa.array(nums))
    if len(nums) == 0:
        return pa.array([], values.type)
    starts = np.cumsum([0] + [len(c) for c in values.chunks])
    which = np.searchsorted(starts, nums, side="right") - 1
    order = np.argsort(which, kind="stable")
    w_sorted = which[order]
    pieces = []
    bounds = np.searchsorted(w_sorted, np.arange(values.num_chunks + 1))
    for c in range(values.num_chunks):
        lo, hi = bounds[c], bounds[c + 1]
        if hi > lo:
            pieces.append(values.chunk(c).take(pa.array(nums[order[lo:hi]] - starts[c])))
    joined = pa.concat_arrays(pieces)
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    return joined.take(pa.array(inverse))


# ----------------------------------------------------------------------------- segments
@dataclass
class Segment:
    """A run of records of one class from one file, as columns.

    ``cols`` maps a field key to a converted Arrow array (null where the record has no value): strings
    for text, dates, enums and references, booleans, and list<string> for multi-valued fields.
    ``flines`` holds per-field lines for records read from YAML (CSV fields sit on the row's line).
    ``order`` gives, for YAML records, each record's field keys in value order (edge order).
    """

    cls: str
    file: str
    ids: pa.Array
    lines: np.ndarray
    cols: dict[str, pa.Array]
    flines: dict[str, np.ndarray] = field(default_factory=dict)
    order: list[list[str]] | None = None
    header: list[str] = field(default_factory=list)  # value order of a CSV segment's fields
    files: list[str] | None = None  # per-record file when records of several files were merged
    keep: np.ndarray | None = None  # rows that are records (not duplicates)

    def __len__(self) -> int:
        return len(self.ids)

    def file_of(self, row: int) -> str:
        return self.files[row] if self.files is not None else self.file

    def line_of(self, key: str, row: int) -> int:
        fl = self.flines.get(key)
        return int(fl[row]) if fl is not None else int(self.lines[row])


@dataclass
class ColumnarBundle:
    """A validated bundle as columns: segments in reading order; node ``i`` is the ``i``-th record."""

    name: str
    path: str
    description: str
    segments: list[Segment]
    starts: np.ndarray  # first node of each segment (len = segments + 1)
    ids: pa.ChunkedArray  # node ids in node order
    node_cls: np.ndarray  # uint8 class code per node
    classes: list[str]  # class code -> class name
    id_hash: np.ndarray  # sorted uint64 hashes of the ids
    id_perm: np.ndarray  # node of each sorted hash
    edge_src: np.ndarray  # int32, in build_graph's edge order (source by source, value order)
    edge_dst: np.ndarray  # int32
    edge_rel: np.ndarray  # uint8 code into rel_types
    rel_types: list[str]

    def __len__(self) -> int:
        return len(self.ids)

    def lookup(self, nid: Any) -> int:
        """Node number of an id, or -1."""
        if not isinstance(nid, str):
            return -1
        h = np.uint64(hash_id(nid))
        k = int(np.searchsorted(self.id_hash, h))
        while k < len(self.id_hash) and self.id_hash[k] == h:
            n = int(self.id_perm[k])
            if self.id_of(n) == nid:
                return n
            k += 1
        return -1

    def segment_of(self, n: int) -> tuple[Segment, int]:
        s = int(np.searchsorted(self.starts, n, side="right")) - 1
        return self.segments[s], n - int(self.starts[s])

    def id_of(self, n: int) -> str:
        seg, row = self.segment_of(n)
        return seg.ids[row].as_py()


# ----------------------------------------------------------------------------- reading
class _Identity:
    """node_of_global when no record was dropped: global position i is node i."""

    def __getitem__(self, x: Any) -> Any:
        return x


_IDENTITY = _Identity()


class _Placeholder:
    __slots__ = ("path", "cdef")

    def __init__(self, path: Path, cdef: ClassDef):
        self.path, self.cdef = path, cdef


class _ColumnReader(_Reader):
    """The record loader's YAML reader; CSV tables are only noted, to be read as columns in order."""

    def read_csv(self, path: Path, cdef: ClassDef) -> None:  # type: ignore[override]
        self.raw.append(_Placeholder(path, cdef))  # type: ignore[arg-type]

    def read_csv_records(self, path: Path, cdef: ClassDef) -> list[Any]:
        """The record loader's own CSV reading of one file (fallback); returns its raw entries."""
        saved, self.raw = self.raw, []
        try:
            _Reader.read_csv(self, path, cdef)
            return self.raw
        finally:
            self.raw = saved


# bytes that can start / end a character Python's str.strip() removes (ASCII whitespace and the lead or
# last bytes of U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000)
_WS_FIRST = np.zeros(256, bool)
_WS_FIRST[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0xC2, 0xE1, 0xE2, 0xE3]] = True
_WS_LAST = np.zeros(256, bool)
_WS_LAST[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x80, 0x81, 0x82, 0x83, 0x84,
          0x86, 0x87, 0x88, 0x89, 0x8A, 0xA8, 0xA9, 0xAF, 0x9F]] = True
_ID_BYTE = np.zeros(256, bool)
_ID_BYTE[[ord(c) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"]] = True
_ID_FIRST = np.zeros(256, bool)
_ID_FIRST[[ord(c) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"]] = True


def _bytes_of(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets int64, data bytes) of a string array without copying the data."""
    bufs = arr.buffers()
    n = len(arr)
    offsets = np.frombuffer(bufs[1], dtype=np.int32)[arr.offset: arr.offset + n + 1].astype(np.int64)
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    return offsets, data


def _strip(arr: pa.Array) -> pa.Array:
    """``str.strip()`` of every cell; skipped (no copy) when no cell can start or end with whitespace."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if len(arr) and arr.null_count == 0 and arr.type == pa.string():
        offsets, data = _bytes_of(arr)
        nonempty = offsets[1:] > offsets[:-1]
        if not nonempty.any():
            return arr
        first = data[offsets[:-1][nonempty]]
        last = data[offsets[1:][nonempty] - 1]
        if not (_WS_FIRST[first].any() or _WS_LAST[last].any()):
            return arr
    return pc.utf8_trim_whitespace(arr)


def _id_ok(arr: pa.Array) -> np.ndarray:
    """Whether each (stripped, non-null) string matches ID_PATTERN, from its bytes."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.string() or arr.null_count:
        return np.asarray(pc.fill_null(pc.match_substring_regex(arr, _ID_RE2), False).to_numpy(zero_copy_only=False), dtype=bool)
    offsets, data = _bytes_of(arr)
    if len(arr) == 0:
        return np.zeros(0, bool)
    lo, hi = int(offsets[0]), int(offsets[-1])
    lens = offsets[1:] - offsets[:-1]
    firsts = data[np.minimum(offsets[:-1], max(len(data) - 1, 0))] if len(data) else np.zeros(len(arr), np.uint8)
    ok = (lens > 0) & _ID_FIRST[firsts]
    bad_pos = np.flatnonzero(~_ID_BYTE[data[lo:hi]]) + lo  # usually none
    if len(bad_pos):
        ok[np.searchsorted(offsets, bad_pos, side="right") - 1] = False
    return ok


def _fast_csv(path: Path, cdef: ClassDef, m: Model, problems: list[Problem]) -> Segment | None | bool:
    """Read one CSV file as columns; False when the record loader's reader must handle it."""
    display = _display(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(display, 0, "(file)", "file not found"))
        return None
    except OSError:
        return False
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data or b'"' in data or (b"\r" in data and data.count(b"\r") != data.count(b"\r\n")):
        return False
    nl = data.find(b"\n")
    try:
        head = (data if nl < 0 else data[:nl]).decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        return False
    header = [h.strip() for h in head.split(",")]
    if len(set(header)) != len(header):
        return False
    nlines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    names = [f"c{i}" for i in range(len(header))]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, use_threads=True, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=",", quote_char=False, newlines_in_values=False,
                                             ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False,
                                                 check_utf8=True),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return False  # ragged rows, bad UTF-8: the record loader's reader says exactly what is wrong
    if table.num_rows + 1 != nlines:
        return False  # blank lines: line numbers would shift
    allowed = {"id", *cdef.fields}
    for col in header:
        if col not in allowed:
            problems.append(Problem(display, 1, col, f"unknown column for {cdef.section} (known: {', '.join(sorted(allowed))})"))
    n = table.num_rows
    lines = np.arange(2, n + 2, dtype=np.int32)
    raw: dict[str, pa.Array] = {}
    nonblank = None
    for i, col in enumerate(header):
        arr = _strip(table.column(i).combine_chunks())
        ne = pc.not_equal(arr, "")
        nonblank = ne if nonblank is None else pc.or_(nonblank, ne)
        if col in allowed:
            raw[col] = arr
    del table
    # rows whose every cell is blank are skipped, like the record loader does
    if nonblank is not None and not pc.all(nonblank).as_py():
        mask = nonblank
        raw = {k: pc.filter(v, mask) for k, v in raw.items()}
        lines = lines[np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)]
        n = len(lines)
    section = cdef.section
    if "id" in raw:
        ids = raw.pop("id")
    else:
        ids = pa.array([""] * n, pa.string())
    keep = np.ones(n, dtype=bool)
    missing = np.asarray(pc.equal(ids, "").to_numpy(zero_copy_only=False), dtype=bool)
    if missing.any():
        for r in np.nonzero(missing)[0]:
            problems.append(Problem(display, int(lines[r]), "id", f"missing id for a record of {section}"))
        keep &= ~missing
    good = _id_ok(ids)
    bad = ~good & ~missing
    if bad.any():
        for r in np.nonzero(bad)[0]:
            rid = ids[int(r)].as_py()
            if ID_PATTERN.match(rid):  # the byte test and re disagree (should not happen): trust re
                keep[r] = True
                continue
            problems.append(Problem(display, int(lines[r]), "id", f"bad id {rid!r} (letters, digits, _ . - ; starting with a letter)"))
            keep[r] = False
    cols: dict[str, pa.Array] = {}
    for key, arr in raw.items():
        cols[key] = _convert_column(arr, cdef.fields[key], m, display, lines, keep, problems)
    if not keep.all():
        mask = pa.array(keep)
        ids = pc.filter(ids, mask)
        cols = {k: pc.filter(v, mask) for k, v in cols.items()}
        lines = lines[keep]
    return Segment(cdef.name, display, ids, lines, cols, header=[h for h in header if h != "id" and h in allowed])


def _convert_column(arr: pa.Array, f: Field, m: Model, display: str, lines: np.ndarray, keep: np.ndarray,
                    problems: list[Problem]) -> pa.Array:
    """Stripped cells ('' = empty) to converted values (null = absent), noting bad cells as problems."""
    if f.multiple:
        parts = pc.split_pattern(arr, _CSV_SEPARATOR)
        flat = _strip(pc.list_flatten(parts))
        parent = pc.list_parent_indices(parts).to_numpy()
        nonempty = np.asarray(pc.not_equal(flat, "").to_numpy(zero_copy_only=False), dtype=bool)
        flat_conv, ok = _convert_values(flat, f, m)
        flat_conv = _plain(flat_conv)
        okv = nonempty & ok
        badv = nonempty & ~ok
        if badv.any():
            _report(flat, badv, parent, f, m, display, lines, keep, problems)
        # rebuild lists of the good parts
        sel = np.nonzero(okv)[0]
        par = parent[sel]
        counts = np.bincount(par, minlength=len(arr)) if len(par) else np.zeros(len(arr), np.int64)
        offsets = np.zeros(len(arr) + 1, np.int32)
        np.cumsum(counts, out=offsets[1:])
        values = flat_conv.take(pa.array(sel))
        has = counts > 0
        out = pa.ListArray.from_arrays(pa.array(offsets), values, mask=pa.array(~has))
        return out
    conv, ok = _convert_values(arr, f, m)
    nonempty = np.asarray(pc.not_equal(arr, "").to_numpy(zero_copy_only=False), dtype=bool)
    bad = nonempty & ~ok
    if bad.any():
        _report(arr, bad, np.arange(len(arr)), f, m, display, lines, keep, problems)
    valid = nonempty & ok
    if valid.all() or pa.types.is_dictionary(conv.type):  # dictionary arrays come with invalid cells null
        return conv
    return _with_nulls(conv, valid)


def _with_nulls(arr: pa.Array, valid: np.ndarray) -> pa.Array:
    """``arr`` with the cells where ``valid`` is False made null (zero-copy for plain strings)."""
    if arr.type == pa.string() and arr.offset == 0 and arr.null_count == 0:
        bits = pa.array(valid, pa.bool_()).buffers()[1]
        bufs = arr.buffers()
        return pa.Array.from_buffers(pa.string(), len(arr), [bits, bufs[1], bufs[2]], null_count=int(len(valid) - valid.sum()))
    return pc.if_else(pa.array(valid), arr, pa.nulls(len(arr), arr.type))


def _plain(arr: pa.Array | None) -> pa.Array | None:
    """A dictionary-encoded column decoded (compute kernels want plain strings)."""
    if arr is not None and pa.types.is_dictionary(arr.type):
        return arr.dictionary_decode()
    return arr


def _report(arr: pa.Array, bad: np.ndarray, rows: np.ndarray, f: Field, m: Model, display: str, lines: np.ndarray,
            keep: np.ndarray, problems: list[Problem]) -> None:
    for i in np.nonzero(bad)[0]:
        r = int(rows[i])
        if not keep[r]:
            continue  # the row is no record (bad id): the record loader never converts its cells
        raw = arr[int(i)].as_py()
        try:
            _convert_value(f, _Scalar(raw, "csv", 0), m)
        except ValueError as exc:
            problems.append(Problem(display, int(lines[r]), f.key, str(exc)))


def _convert_values(arr: pa.Array, f: Field, m: Model) -> tuple[pa.Array, np.ndarray]:
    """Convert non-empty stripped strings; (converted array, ok mask). Empty cells come back not ok."""
    n = len(arr)
    if f.kind == "literal" and f.datatype == "string":
        return arr, np.asarray(pc.not_equal(arr, "").to_numpy(zero_copy_only=False), dtype=bool)
    if f.kind == "ref":
        ok = _id_ok(arr)
        return arr, ok
    # low-cardinality columns (dates, enums, booleans, integers): convert each distinct value once with the
    # record loader's own converter, then map back
    enc = pc.dictionary_encode(arr)
    dictionary = enc.dictionary.to_pylist()
    indices = enc.indices.to_numpy(zero_copy_only=False)
    conv: list[Any] = []
    good = np.zeros(len(dictionary), dtype=bool)
    for k, raw in enumerate(dictionary):
        if raw == "":
            conv.append(None)
            continue
        try:
            conv.append(_convert_value(f, _Scalar(raw, "csv", 0), m))
            good[k] = True
        except ValueError:
            conv.append(None)
    typ = pa.bool_() if f.datatype == "boolean" else pa.int64() if f.datatype == "integer" else pa.string()
    values = pa.array(conv, typ)
    if n == 0:
        return pa.array([], typ), np.zeros(0, bool)
    ok = good[indices]
    if typ == pa.string() and len(dictionary) < 2**15:
        # dates and enums stay dictionary-encoded (2 bytes a cell instead of ~14); invalid cells are null
        return pa.DictionaryArray.from_arrays(indices.astype(np.int16), values, mask=~ok), ok
    return values.take(pa.array(indices)), ok


def _records_segments(entries: list[Any], m: Model, problems: list[Problem]) -> list[Segment]:
    """Records (YAML, or a CSV file read by the record loader) as segments: one per run of one class."""
    recs: list[Record] = []
    for entry in entries:
        rec = entry_record(entry, m, problems)
        if rec is not None:
            recs.append(rec)
    out: list[Segment] = []
    i = 0
    while i < len(recs):
        j = i
        while j < len(recs) and recs[j].cls == recs[i].cls:
            j += 1
        out.append(_segment_from_records(recs[i:j], m))
        i = j
    return out


def _segment_from_records(recs: list[Record], m: Model) -> Segment:
    cdef = m.classes[recs[0].cls]
    cols: dict[str, pa.Array] = {}
    flines: dict[str, np.ndarray] = {}
    for key, f in cdef.fields.items():
        vals = [r.values.get(key) for r in recs]
        if all(v is None for v in vals):
            continue
        if f.multiple:
            typ = pa.list_(pa.string())
            vals = [list(v) if v else None for v in vals]
        elif f.kind == "literal" and f.datatype == "boolean":
            typ = pa.bool_()
        elif f.kind == "literal" and f.datatype == "integer":
            typ = pa.int64()
        else:
            typ = pa.string()
        cols[key] = pa.array(vals, typ)
        flines[key] = np.array([r.line_of(key) for r in recs], np.int32)
    flines["id"] = np.array([r.line_of("id") for r in recs], np.int32)
    files = [r.file for r in recs]
    file = files[0]
    return Segment(cdef.name, file, pa.array([r.id for r in recs], pa.string()), np.array([r.line for r in recs], np.int32),
                   cols, flines, order=[list(r.values) for r in recs], files=None if len(set(files)) == 1 else files)


# ----------------------------------------------------------------------------- the whole bundle
def read_columnar(path: str | Path, m: Model = default_model) -> tuple[ColumnarBundle | None, list[Problem]]:
    """Read and check a bundle as columns; return it (None when unusable) with every problem found."""
    with gc_paused():
        return _read(Path(path), m)


def load_columnar(path: str | Path, m: Model = default_model) -> ColumnarBundle:
    """Read a bundle as columns; raise :class:`BundleError` listing every problem (as ``load_bundle(shacl=False)``)."""
    bundle, problems = read_columnar(path, m)
    if problems or bundle is None:
        raise BundleError(problems)
    return bundle


def _read(p: Path, m: Model) -> tuple[ColumnarBundle | None, list[Problem]]:
    TIMINGS.clear()
    RSS_MB.clear()
    reader = _ColumnReader(m)
    read_main(reader, p)
    problems: list[Problem] = list(reader.problems)
    segments: list[Segment] = []
    pending: list[Any] = []
    for entry in reader.raw:
        if isinstance(entry, _Placeholder):
            if pending:
                segments += _records_segments(pending, m, problems)
                pending = []
            t0 = [time.perf_counter()]
            got = _fast_csv(entry.path, entry.cdef, m, problems)
            _tick("csv " + entry.path.name, t0)
            if got is False:
                TIMINGS["record-loader fallback: " + entry.path.name] = 0.0
                reader.problems = []
                raw = reader.read_csv_records(entry.path, entry.cdef)
                problems += reader.problems
                segments += _records_segments(raw, m, problems)
            elif got is not None and len(got):
                segments.append(got)
        else:
            pending.append(entry)
    if pending:
        segments += _records_segments(pending, m, problems)
    segments = [s for s in segments if len(s)]
    name = reader.meta.get("name", p.stem)
    description = reader.meta.get("description", "")
    return _assemble(segments, name, str(p), description, m, problems)


def _assemble(segments: list[Segment], name: str, path: str, description: str, m: Model,
              problems: list[Problem]) -> tuple[ColumnarBundle | None, list[Problem]]:
    classes = list(m.classes)
    code = {c: i for i, c in enumerate(classes)}
    t0 = [time.perf_counter()]
    # -- duplicate ids: the first record of an id wins, later ones are problems
    all_ids = pa.chunked_array([s.ids for s in segments], pa.string())
    total = len(all_ids)
    hashes = hash_strings(all_ids)
    order = np.argsort(hashes, kind="stable")
    sh = hashes[order]
    same = np.nonzero(sh[1:] == sh[:-1])[0]
    seg_starts = np.zeros(len(segments) + 1, np.int64)
    np.cumsum([len(s) for s in segments], out=seg_starts[1:])

    def locate(g: int) -> tuple[Segment, int]:
        s = int(np.searchsorted(seg_starts, g, side="right")) - 1
        return segments[s], g - int(seg_starts[s])

    dropped = np.zeros(total, dtype=bool)
    collide_hashes: set[int] = set()  # hashes shared by different ids (resolved one by one)
    if len(same):
        groups: dict[int, list[int]] = {}
        for k in same:
            groups.setdefault(int(sh[k]), []).extend([int(order[k]), int(order[k + 1])])
        for members in groups.values():
            members = sorted(set(members))
            by_id: dict[str, int] = {}
            for g in members:
                seg, row = locate(g)
                rid = seg.ids[row].as_py()
                if rid in by_id:
                    fseg, frow = locate(by_id[rid])
                    problems.append(Problem(seg.file_of(row), seg.line_of("id", row), "id",
                                            f"duplicate id {rid!r} (first defined at {fseg.file_of(frow)}:{int(fseg.lines[frow])})"))
                    dropped[g] = True
                else:
                    by_id[rid] = g
            if len(by_id) > 1:
                collide_hashes.add(int(hashes[members[0]]))
    if dropped.any():
        # keep only the first record of each id; the segment rows stay, marked, for positions
        for s_i, seg in enumerate(segments):
            seg.keep = ~dropped[seg_starts[s_i]:seg_starts[s_i + 1]]
    keepmask = ~dropped
    # node numbers: kept records in order
    node_of_global: Any = np.cumsum(keepmask) - 1 if dropped.any() else _IDENTITY
    n_nodes = int(keepmask.sum())
    node_cls = np.empty(total, np.uint8)
    for s_i, seg in enumerate(segments):
        node_cls[seg_starts[s_i]:seg_starts[s_i + 1]] = code[seg.cls]
    node_cls_kept = node_cls[keepmask]
    del hashes
    if dropped.any():
        kept_hash_order = order[keepmask[order]]
        id_hash = sh[keepmask[order]]
        id_perm = node_of_global[kept_hash_order].astype(np.int32)
        del kept_hash_order
    else:
        id_hash = sh
        id_perm = order.astype(np.int32)
    del order, sh

    def resolve(values: pa.Array) -> np.ndarray:
        """Node numbers of reference strings (no nulls), -1 when no record has that id."""
        if len(values) == 0 or len(id_hash) == 0:
            return np.full(len(values), -1, np.int32)
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        r0 = [time.perf_counter()]
        h = hash_strings(values)
        _tick("resolve: hash", r0)
        k = _bucket_search(h)
        found = k >= 0
        cand = np.where(found, id_perm[np.maximum(k, 0)], 0)
        del k
        _tick("resolve: search", r0)
        # verify the strings (equal hashes are not equal ids)
        eq = np.asarray(pc.equal(values, _take_ids(cand)).to_numpy(zero_copy_only=False), dtype=bool)
        _tick("resolve: verify", r0)
        node = np.where(found & eq, cand, -1).astype(np.int32)
        if collide_hashes:
            # a hash shared by several ids: look those few up one by one
            for i in np.nonzero(found & ~eq)[0]:
                if int(h[i]) in collide_hashes:
                    node[i] = _lookup_slow(values[int(i)].as_py(), int(h[i]))
        return node

    # hashes are uniform: a bucket per top bits of the hash holds ~1 id, so a lookup is one or two
    # random reads instead of a binary search's ~24 (np.searchsorted was most of a nation-scale load)
    bits = max(1, int(np.ceil(np.log2(max(len(id_hash), 2)))))
    shift = np.uint64(64 - bits)
    bucket_counts = np.bincount((id_hash >> shift).astype(np.int64), minlength=1 << bits)
    bucket_start = np.zeros((1 << bits) + 1, np.int64 if len(id_hash) >= 2**31 else np.int32)
    np.cumsum(bucket_counts, out=bucket_start[1:])
    max_bucket = int(bucket_counts.max()) if len(bucket_counts) else 0
    del bucket_counts

    def _bucket_search(h: np.ndarray) -> np.ndarray:
        """Position in id_hash of the first equal hash, or -1."""
        b = (h >> shift).astype(np.int64)
        lo = bucket_start[b].astype(np.int64)
        cnt = bucket_start[b + 1] - lo
        del b
        pos = np.full(len(h), -1, np.int64)
        todo = np.nonzero(cnt > 0)[0]
        for r in range(max_bucket):
            if not len(todo):
                break
            idx = lo[todo] + r
            hit = id_hash[idx] == h[todo]
            pos[todo[hit]] = idx[hit]
            todo = todo[~hit & (cnt[todo] > r + 1)]
        return pos

    def _lookup_slow(rid: str, hv: int) -> int:
        k = int(np.searchsorted(id_hash, np.uint64(hv)))
        while k < len(id_hash) and int(id_hash[k]) == hv:
            if _take_ids(np.array([id_perm[k]]))[0].as_py() == rid:
                return int(id_perm[k])
            k += 1
        return -1

    kept_ids_cache: dict[str, pa.ChunkedArray] = {}

    def _take_ids(nodes: np.ndarray) -> pa.Array:
        kid = kept_ids_cache.get("ids")
        if kid is None:
            kid = kept_ids_cache["ids"] = all_ids.filter(pa.array(keepmask)) if dropped.any() else all_ids
        return take_chunked(kid, nodes)

    _tick("ids", t0)
    rel_types = sorted({f.rel_type for c in m.classes.values() for f in c.fields.values() if f.kind == "ref"})
    rel_code = {r: i for i, r in enumerate(rel_types)}
    is_a_cache: dict[tuple[str, str], bool] = {}

    def allowed_codes(target_cls: str) -> np.ndarray:
        ok = np.zeros(len(classes), dtype=bool)
        for c in classes:
            key = (c, target_cls)
            if key not in is_a_cache:
                is_a_cache[key] = m.is_a(c, target_cls)
            ok[code[c]] = is_a_cache[key]
        return ok

    # -- derived defaults (units inherit their body's place), then references resolved into edges
    _derive_unit_places(segments, resolve, seg_starts, keepmask, node_of_global, m)
    _tick("units", t0)
    edges_src: list[np.ndarray] = []
    edges_dst: list[np.ndarray] = []
    edges_rel: list[np.ndarray] = []
    resolved: dict[tuple[int, str], tuple[np.ndarray, np.ndarray]] = {}  # (segment, key) -> (rows, targets)
    for s_i, seg in enumerate(segments):
        cdef = m.classes[seg.cls]
        keep = seg.keep if seg.keep is not None else None
        base = int(seg_starts[s_i])
        seg_src: list[np.ndarray] = []
        seg_dst: list[np.ndarray] = []
        seg_rel: list[np.ndarray] = []
        seg_rank: list[np.ndarray] = []
        for key, arr in seg.cols.items():  # CSV: header order, which is each record's value order
            f = cdef.fields[key]
            if f.kind != "ref":
                continue
            if f.multiple:
                flat = pc.list_flatten(arr)
                rows = pc.list_parent_indices(arr).to_numpy().astype(np.int32)
                vpos = _positions_in_lists(arr) if seg.order is not None else None
            else:
                valid = np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
                rows = np.nonzero(valid)[0].astype(np.int32)
                flat = arr.filter(pa.array(valid)) if not valid.all() else arr
                vpos = np.zeros(len(rows), np.int64) if seg.order is not None else None
                del valid
            targets = resolve(flat)
            if keep is not None:
                sel = keep[rows]
                rows, targets, flat = rows[sel], targets[sel], flat.filter(pa.array(sel))
                vpos = vpos[sel] if vpos is not None else None
            if key in _KEEP_RESOLVED:
                resolved[(s_i, key)] = (rows, targets)
            # unknown ids and wrong classes
            unknown = targets < 0
            if unknown.any():
                for i in np.nonzero(unknown)[0]:
                    r = int(rows[i])
                    problems.append(Problem(seg.file_of(r), seg.line_of(key, r), key,
                                            f"unknown id {flat[int(i)].as_py()!r} (expected a {f.target})"))
            okc = allowed_codes(f.target)
            tc = node_cls_kept[np.maximum(targets, 0)]
            wrong = ~unknown & ~okc[tc]
            del tc
            if wrong.any():
                for i in np.nonzero(wrong)[0]:
                    r = int(rows[i])
                    problems.append(Problem(seg.file_of(r), seg.line_of(key, r), key,
                                            f"{flat[int(i)].as_py()!r} is a {classes[node_cls_kept[targets[i]]]}, expected a {f.target}"))
            del flat
            if unknown.any():
                good = ~unknown
                rows_g, targets_g = rows[good], targets[good]
                vpos = vpos[good] if vpos is not None else None
            else:
                rows_g, targets_g = rows, targets
            src = node_of_global[base + rows_g].astype(np.int32)
            seg_src.append(src)
            seg_dst.append(targets_g.astype(np.int32, copy=False))
            seg_rel.append(np.full(len(src), rel_code[f.rel_type], np.uint8))
            if seg.order is not None:  # YAML records: the field's position in each record's values
                fr = np.array([seg.order[int(r)].index(key) if key in seg.order[int(r)] else 0 for r in rows_g], np.int64)
                seg_rank.append(fr * (1 << 32) + vpos)
        if not seg_src:
            continue
        ssrc, sdst, srel = np.concatenate(seg_src), np.concatenate(seg_dst), np.concatenate(seg_rel)
        del seg_src, seg_dst, seg_rel
        if seg.order is not None:
            eorder = np.lexsort((np.concatenate(seg_rank), ssrc))
        else:
            # fields were appended in value order and each is in row order: a stable sort by source
            # gives every record's edges field by field, values in order (build_graph's edge order)
            eorder = np.argsort(ssrc, kind="stable")
        edges_src.append(ssrc[eorder])
        edges_dst.append(sdst[eorder])
        edges_rel.append(srel[eorder])
        del ssrc, sdst, srel, eorder
    _tick("refs", t0)
    if edges_src:
        src = np.concatenate(edges_src)
        dst = np.concatenate(edges_dst)
        rel = np.concatenate(edges_rel)
    else:
        src = dst = np.zeros(0, np.int32)
        rel = np.zeros(0, np.uint8)
    del edges_src, edges_dst, edges_rel
    # -- record-level checks
    _tick("edge sort", t0)
    _check_columns(segments, seg_starts, resolved, node_of_global, node_cls_kept, classes, code, m, problems)
    _tick("checks", t0)
    _check_overlaps(segments, seg_starts, resolved, node_of_global, node_cls_kept, code, problems, keepmask)
    _tick("overlaps", t0)
    for cls, key in (("Division", "within"), ("Matter", "broader"), ("Organization", "sub_organization_of")):
        _check_cycles(segments, seg_starts, resolved, node_of_global, n_nodes, cls, key, problems, keepmask)
    # -- defaults of the model, now that checks have seen the values as written
    for seg in segments:
        _fill_defaults(seg, m)
    _tick("cycles+defaults", t0)
    if problems:
        return None, problems
    ids = all_ids  # nothing was dropped: the segments' own id arrays, as chunks (no copy)
    return ColumnarBundle(name, path, description, segments, seg_starts, ids, node_cls_kept, classes, id_hash, id_perm,
                          src, dst, rel, rel_types), problems


def _positions_in_lists(arr: pa.ListArray) -> np.ndarray:
    """Position of every flattened value within its list."""
    offsets = arr.offsets.to_numpy().astype(np.int64)
    valid = np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    lens = np.diff(offsets)
    lens = np.where(valid, lens, 0)
    total = int(lens.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    starts = np.repeat(np.cumsum(lens) - lens, lens)
    return np.arange(total, dtype=np.int64) - starts


def _derive_unit_places(segments: list[Segment], resolve: Any, seg_starts: np.ndarray, keepmask: np.ndarray,
                        node_of_global: Any, m: Model) -> None:
    """Units without located_in take their body's (``_derive_defaults``), and kind defaults to internal_unit.

    The record loader derives in record order, so a unit of a unit gets the place its body derived only
    when the body comes first: the first pass uses the places as written, later passes accept bodies
    placed by derivation that precede the unit.
    """
    if not any(s.cls == "OrganizationalUnit" for s in segments):
        return
    for seg in segments:
        if seg.cls == "OrganizationalUnit":
            if "kind" not in seg.cols:
                seg.cols["kind"] = pa.array(["internal_unit"] * len(seg), pa.string())
            else:
                seg.cols["kind"] = pc.fill_null(_plain(seg.cols["kind"]), "internal_unit")
    n_total = int(keepmask.sum())
    first_pass = True
    while True:
        # located_in of every record that has one (strings), by node
        parts, node_idx = [], []
        for s_i, seg in enumerate(segments):
            arr = seg.cols.get("located_in")
            if arr is None:
                continue
            rows = np.arange(len(seg)) if seg.keep is None else np.nonzero(seg.keep)[0]
            parts.append(arr.take(pa.array(rows)) if seg.keep is not None else arr)
            node_idx.append(np.asarray(node_of_global[int(seg_starts[s_i]) + rows]))
        if parts:
            loc_nodes = np.concatenate(node_idx)
            loc_vals = pa.concat_arrays([_plain(p) for p in parts])
        else:
            loc_nodes, loc_vals = np.zeros(0, np.int64), pa.array([], pa.string())
        del parts, node_idx
        pos_of_node = np.full(n_total, -1, np.int64)
        pos_of_node[loc_nodes] = np.arange(len(loc_nodes))
        changed = False
        for s_i, seg in enumerate(segments):
            if seg.cls != "OrganizationalUnit" or "unit_of" not in seg.cols:
                continue
            n = len(seg)
            loc = seg.cols.get("located_in")
            missing = np.ones(n, bool) if loc is None else ~np.asarray(loc.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
            uo = seg.cols["unit_of"]
            has_uo = np.asarray(uo.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
            if seg.keep is not None:
                has_uo &= seg.keep
            rows = np.nonzero(missing & has_uo)[0]
            if not len(rows):
                continue
            bodies = resolve(uo.take(pa.array(rows)))
            p = np.where(bodies >= 0, pos_of_node[np.maximum(bodies, 0)], -1)
            ok = p >= 0
            if not first_pass:  # only bodies that precede the unit had their place derived before it
                own = np.asarray(node_of_global[int(seg_starts[s_i]) + rows])
                ok &= bodies < own
            vals = loc_vals.take(pa.array(np.maximum(p, 0)))
            okv = ok & np.asarray(vals.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
            if not okv.any():
                continue
            changed = True
            current = pa.nulls(n, pa.string()) if loc is None else _plain(loc)
            idx = np.zeros(n, np.int64)
            idx[rows[okv]] = p[okv]
            derived = loc_vals.take(pa.array(idx))
            use = np.zeros(n, bool)
            use[rows[okv]] = True
            seg.cols["located_in"] = pc.if_else(pa.array(use), derived, current)
            if seg.order is not None:
                for r in rows[okv]:
                    seg.order[int(r)].append("located_in")
                if "located_in" not in seg.flines:
                    seg.flines["located_in"] = seg.lines.copy()
            elif "located_in" not in seg.header:
                seg.header = seg.header + ["located_in"]
            # (a CSV located_in column left empty on a row: the derived value takes the column's place in
            # value order instead of the last place; only LOCATED_IN points at a division, so adjacency
            # lists are the same)
        first_pass = False
        if not changed:
            return


def _fill_defaults(seg: Segment, m: Model) -> None:
    cdef = m.classes[seg.cls]
    for key, f in cdef.fields.items():
        if f.default is None:
            continue
        arr = seg.cols.get(key)
        if arr is None:
            typ = pa.bool_() if isinstance(f.default, bool) else pa.int64() if isinstance(f.default, int) else pa.string()
            seg.cols[key] = pa.array([f.default] * len(seg), typ)
        elif arr.null_count:
            seg.cols[key] = pc.fill_null(_plain(arr), f.default)


def _valid(arr: pa.Array | None, n: int) -> np.ndarray:
    if arr is None:
        return np.zeros(n, bool)
    return np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=bool)


def _check_columns(segments: list[Segment], seg_starts: np.ndarray, resolved: dict, node_of_global: Any,
                   node_cls: np.ndarray, classes: list[str], code: dict[str, int], m: Model, problems: list[Problem]) -> None:
    """Required fields, dates in order, action targets and village powers (``_check_records``)."""
    # village bodies: kind in _VILLAGE_KINDS, per node
    n_nodes = len(node_cls)
    village = np.zeros(n_nodes, bool)
    for s_i, seg in enumerate(segments):
        kind = seg.cols.get("kind")  # any record may be named (a wrong-class reference), as in _check_records
        if kind is None:
            continue
        rows = np.arange(len(seg)) if seg.keep is None else np.nonzero(seg.keep)[0]
        isv = np.asarray(pc.is_in(_plain(kind), pa.array(sorted(_VILLAGE_KINDS))).to_numpy(zero_copy_only=False), dtype=bool)
        village[node_of_global[int(seg_starts[s_i]) + rows]] = isv[rows]
    for s_i, seg in enumerate(segments):
        cdef = m.classes[seg.cls]
        n = len(seg)
        keep = seg.keep if seg.keep is not None else np.ones(n, bool)
        for key, f in cdef.fields.items():
            if not f.required:
                continue
            present = _valid(seg.cols.get(key), n)
            arr = seg.cols.get(key)
            if arr is not None and pa.types.is_string(arr.type):
                present &= np.asarray(pc.not_equal(pc.fill_null(arr, ""), "").to_numpy(zero_copy_only=False), dtype=bool)
            miss = ~present & keep
            if miss.any():
                msg = f.message or f"missing required field for {cdef.section}"
                for r in np.nonzero(miss)[0]:
                    problems.append(Problem(seg.file_of(int(r)), int(seg.lines[r]), key, msg))
        for a, b, what in _DATE_ORDER:
            if a not in cdef.fields and b not in cdef.fields:
                continue
            va, vb = _plain(seg.cols.get(a)), _plain(seg.cols.get(b))
            if va is None or vb is None:
                continue
            gt = pc.fill_null(pc.greater(va, vb), False)
            gt = np.asarray(gt.to_numpy(zero_copy_only=False), dtype=bool) & keep
            for r in np.nonzero(gt)[0]:
                r = int(r)
                problems.append(Problem(seg.file_of(r), seg.line_of(b, r), b, f"{what} ({va[r].as_py()} > {vb[r].as_py()})"))
        if seg.cls == "AccountabilityAction":
            none = ~_valid(seg.cols.get("target_person"), n) & ~_valid(seg.cols.get("target_body"), n) & keep
            for r in np.nonzero(none)[0]:
                problems.append(Problem(seg.file_of(int(r)), int(seg.lines[r]), "target_person", "an action names a target_person or a target_body"))
        if seg.cls == "DutyClause" and (s_i, "assigned_to") in resolved and "role" in seg.cols:
            rows, targets = resolved[(s_i, "assigned_to")]
            role = _plain(seg.cols["role"])
            nopower = np.asarray(pc.fill_null(pc.is_in(role, pa.array(sorted(_NO_POWER_ROLES))), False).to_numpy(zero_copy_only=False), dtype=bool)
            hit = (targets >= 0) & village[np.maximum(targets, 0)] & nopower[rows]
            for i in np.nonzero(hit)[0]:
                r, t = int(rows[i]), int(targets[i])
                tseg, trow = _node_location(segments, seg_starts, node_of_global, t)
                name = tseg.cols["name"][trow].as_py() if "name" in tseg.cols else None
                kind = tseg.cols["kind"][trow].as_py()
                problems.append(Problem(seg.file_of(r), seg.line_of("role", r), "role",
                                        f"{name or tseg.ids[trow].as_py()} is a {kind}: it has no administrative "
                                        f"enforcement power and cannot hold a {role[r].as_py()} duty"))


def _node_location(segments: list[Segment], seg_starts: np.ndarray, node_of_global: Any, node: int) -> tuple[Segment, int]:
    """(segment, row) of a kept node number."""
    # node_of_global is non-decreasing; the first global position with this node number that is kept
    g = node if node_of_global is _IDENTITY else int(np.searchsorted(node_of_global, node, side="left"))
    s = int(np.searchsorted(seg_starts, g, side="right")) - 1
    return segments[s], g - int(seg_starts[s])


def _check_overlaps(segments: list[Segment], seg_starts: np.ndarray, resolved: dict, node_of_global: np.ndarray,
                    node_cls: np.ndarray, code: dict[str, int], problems: list[Problem], keepmask: np.ndarray) -> None:
    """Overlapping tenures of a single-holder post (``_overlapping_tenures``)."""
    n_nodes = len(node_cls)
    single = np.ones(n_nodes, bool)
    for s_i, seg in enumerate(segments):
        arr = seg.cols.get("single_holder")
        if arr is None:
            continue
        rows = np.arange(len(seg)) if seg.keep is None else np.nonzero(seg.keep)[0]
        vals = np.asarray(pc.fill_null(arr, True).to_numpy(zero_copy_only=False), dtype=bool)
        single[node_of_global[int(seg_starts[s_i]) + rows]] = vals[rows]
    posts, starts, ends, where = [], [], [], []
    for s_i, seg in enumerate(segments):
        if seg.cls != "Tenure" or (s_i, "post") not in resolved or "start" not in seg.cols:
            continue
        rows, targets = resolved[(s_i, "post")]
        start = seg.cols["start"]
        has_start = _valid(start, len(seg))[rows]
        sel = has_start & (targets >= 0)
        rows, targets = rows[sel], targets[sel]
        sel2 = single[targets]
        rows, targets = rows[sel2], targets[sel2]
        if not len(rows):
            continue
        ta = pa.array(rows)
        posts.append(targets)
        starts.append(pc.cast(_plain(start.take(ta)), pa.date32()).to_numpy(zero_copy_only=False).astype("datetime64[D]").astype(np.int64))
        end = seg.cols.get("end")
        if end is None:
            ends.append(np.full(len(rows), np.iinfo(np.int64).max))
        else:
            e = pc.cast(_plain(end.take(ta)), pa.date32())
            ev = np.asarray(pc.fill_null(pc.cast(e, pa.int32()), 2**31 - 1).to_numpy(zero_copy_only=False), np.int64)
            ev[ev == 2**31 - 1] = np.iinfo(np.int64).max
            ends.append(ev)
        where.append(np.stack([np.full(len(rows), s_i), rows]).T)
    if not posts:
        return
    post = np.concatenate(posts)
    start = np.concatenate(starts)
    end = np.concatenate(ends)
    loc = np.concatenate(where)
    order = np.lexsort((np.arange(len(post)), start, post))  # stable by record order within a post and start
    post, start, end, loc = post[order], start[order], end[order], loc[order]
    same = post[1:] == post[:-1]
    prev_end = end[:-1]
    bad = same & ((prev_end == np.iinfo(np.int64).max) | (start[1:] < prev_end))
    for k in np.nonzero(bad)[0]:
        ps, pr = segments[int(loc[k][0])], int(loc[k][1])
        cs, cr = segments[int(loc[k + 1][0])], int(loc[k + 1][1])
        post_id = ps.cols["post"][pr].as_py()
        pend = ps.cols["end"][pr].as_py() if "end" in ps.cols else None
        problems.append(Problem(cs.file_of(cr), cs.line_of("start", cr), "start",
                                f"tenure overlaps {ps.ids[pr].as_py()} on single-holder post {post_id!r} "
                                f"({ps.cols['start'][pr].as_py()}–{pend or 'open'}); set single_holder: false if the post has several holders"))


def _check_cycles(segments: list[Segment], seg_starts: np.ndarray, resolved: dict, node_of_global: np.ndarray,
                  n_nodes: int, cls: str, key: str, problems: list[Problem], keepmask: np.ndarray) -> None:
    """Records that reach themselves along ``key`` (``_cycles``): peel acyclic records, then walk the rest."""
    srcs, dsts = [], []
    for s_i, seg in enumerate(segments):
        if (s_i, key) not in resolved:
            continue
        rows, targets = resolved[(s_i, key)]
        ok = targets >= 0
        srcs.append(node_of_global[int(seg_starts[s_i]) + rows[ok]])
        dsts.append(targets[ok].astype(np.int64))
    if not srcs:
        return
    src, dst = np.concatenate(srcs), np.concatenate(dsts)
    if not len(src):
        return
    pending = np.bincount(src, minlength=n_nodes)
    alive = np.ones(len(src), bool)
    done = pending == 0
    while True:
        fire = alive & done[dst]
        if not fire.any():
            break
        alive &= ~fire
        dec = np.bincount(src[fire], minlength=n_nodes)
        pending -= dec
        newly = (pending == 0) & ~done
        done |= newly
    remaining = np.nonzero(~done)[0]
    if not len(remaining):
        return
    nxt: dict[int, list[int]] = {}
    rem = set(int(x) for x in remaining)
    for a, b in zip(src[alive], dst[alive]):
        nxt.setdefault(int(a), []).append(int(b))
    # order of targets as written: the order of edges per source is by row then value position already
    for start in sorted(rem):
        seg, row = _node_location(segments, seg_starts, node_of_global, start)
        if seg.cls != cls:
            continue
        stack = list(nxt.get(start, []))
        visited: set[int] = set()
        while stack:
            cur = stack.pop()
            if cur == start:
                problems.append(Problem(seg.file_of(row), seg.line_of(key, row), key, f"cycle: {seg.ids[row].as_py()} is (indirectly) {key} itself"))
                break
            if cur in visited:
                continue
            visited.add(cur)
            stack.extend(nxt.get(cur, []))
