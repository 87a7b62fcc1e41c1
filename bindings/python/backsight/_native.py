"""ctypes declarations of backsight.h and the Python objects over them."""
import ctypes
import json
import os
import threading
from ctypes import POINTER, byref, c_char_p, c_double, c_int, c_size_t, c_uint, c_uint64, c_void_p
from pathlib import Path

API_VERSION = 1

OK, DONE, CANCELLED, STOPPED = 0, 1, 2, 3
ERROR_ARGUMENT, ERROR_COMPILE, ERROR_ROOT, ERROR_UNSAFE_LIBLZMA, ERROR_STATE = 10, 11, 12, 13, 14


class _Error(ctypes.Structure):
    _fields_ = [("message", c_void_p), ("file", c_void_p), ("line", c_uint), ("column", c_uint)]


class _Options(ctypes.Structure):
    _fields_ = [("jobs", c_uint), ("no_unpack", c_int), ("max_file_size", c_uint64), ("max_file_seconds", c_double)]


def _candidates():
    """Where libbacksight.so may be: $BACKSIGHT_LIBRARY, beside this package (an installed
    copy), then the SwiftPM build folders of the checkout this package lives in."""
    given = os.environ.get("BACKSIGHT_LIBRARY")
    if given:
        yield Path(given)
        return
    here = Path(__file__).resolve().parent
    yield here / "libbacksight.so"
    for folder in here.parents:
        for configuration in ("release", "debug"):
            # SwiftPM's own name for it, which `make` links libbacksight.so to.
            yield folder / ".build" / configuration / "libBacksightC.so"


def _load():
    for path in _candidates():
        if path.is_file():
            library = ctypes.CDLL(str(path))
            break
    else:
        raise OSError("libbacksight.so not found: build it with `swift build` (or `make release`) "
                      "or set BACKSIGHT_LIBRARY to its path")
    declarations = {
        "backsight_error_clear": (None, [POINTER(_Error)]),
        "backsight_string_free": (None, [c_void_p]),
        "backsight_version": (c_char_p, []),
        "backsight_api_version": (c_int, []),
        "backsight_rules_compile": (c_int, [POINTER(c_char_p), c_size_t, POINTER(c_void_p), POINTER(_Error)]),
        "backsight_rules_count": (c_size_t, [c_void_p]),
        "backsight_rules_free": (None, [c_void_p]),
        "backsight_liblzma_self_check": (c_int, [c_void_p, POINTER(c_void_p)]),
        "backsight_scan_options_init": (None, [POINTER(_Options)]),
        "backsight_scan_new": (c_int, [c_void_p, POINTER(_Options), POINTER(c_void_p)]),
        "backsight_scan_start_path": (c_int, [c_void_p, c_char_p, POINTER(_Error)]),
        "backsight_scan_start_bytes": (c_int, [c_void_p, c_char_p, c_size_t, c_char_p, POINTER(_Error)]),
        "backsight_scan_next": (c_int, [c_void_p, POINTER(c_void_p), POINTER(c_size_t)]),
        "backsight_scan_cancel": (None, [c_void_p]),
        "backsight_scan_free": (None, [c_void_p]),
    }
    for name, (result, arguments) in declarations.items():
        function = getattr(library, name)
        function.restype = result
        function.argtypes = arguments
    if library.backsight_api_version() != API_VERSION:
        raise OSError(f"libbacksight API version {library.backsight_api_version()}, this package needs {API_VERSION}")
    return library


_lib = _load()


class BacksightError(Exception):
    """A call of the library failed; `code` is its backsight_result."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class CompileError(BacksightError):
    """A rule file could not be compiled; `file`, `line` and `column` say where."""

    def __init__(self, code, message, file, line, column):
        super().__init__(code, message)
        self.file, self.line, self.column = file, line, column


def _fail(code, error, what):
    message = ctypes.string_at(error.message).decode() if error.message else f"{what} failed with code {code}"
    file = ctypes.string_at(error.file).decode() if error.file else None
    line, column = error.line, error.column
    _lib.backsight_error_clear(byref(error))
    if code == ERROR_COMPILE:
        return CompileError(code, message, file, line, column)
    return BacksightError(code, message)


def _encode(text):
    return os.fsencode(text)


def version():
    """The engine version, as written into reports."""
    return _lib.backsight_version().decode()


def api_version():
    return _lib.backsight_api_version()


def compile(folders):
    """Compiles every rule file under `folders` (a path or a list of paths) into a Rules."""
    if isinstance(folders, (str, bytes, os.PathLike)):
        folders = [folders]
    encoded = [_encode(folder) for folder in folders]
    array = (c_char_p * len(encoded))(*encoded)
    handle = c_void_p()
    error = _Error()
    code = _lib.backsight_rules_compile(array, len(encoded), byref(handle), byref(error))
    if code != OK:
        raise _fail(code, error, "compile")
    return Rules(handle)


class Rules:
    """A compiled rule set. Immutable: any number of threads may scan with it at once."""

    def __init__(self, handle):
        self._handle = handle

    def __len__(self):
        return _lib.backsight_rules_count(self._handle)

    def __del__(self):
        self.close()

    def close(self):
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            _lib.backsight_rules_free(handle)

    def liblzma_self_check(self):
        """(trusted, message): whether the liblzma this process runs with may be trusted, as
        `backsight scan` checks before scanning."""
        message = c_void_p()
        code = _lib.backsight_liblzma_self_check(self._handle, byref(message))
        text = ctypes.string_at(message).decode() if message else ""
        _lib.backsight_string_free(message)
        if code not in (OK, ERROR_UNSAFE_LIBLZMA):
            raise BacksightError(code, text or "self-check failed")
        return code == OK, text

    def scan(self, path, **options):
        """Scans a directory tree or one file; an iterator of report dicts, in no fixed order.
        Options: jobs (0: one per core), unpack (True), max_file_size (bytes), max_file_seconds."""
        scan = Scan(self, options)
        scan._start(_lib.backsight_scan_start_path, _encode(path))
        return scan

    def scan_bytes(self, data, path, **options):
        """Scans `data` as if it were the file `path` inside a root; an iterator of report dicts
        (container members first, then the file's own)."""
        data = bytes(data)
        scan = Scan(self, options)
        scan._start(_lib.backsight_scan_start_bytes, data, len(data), _encode(path))
        return scan


class Scan:
    """A running scan, an iterator of report dicts (or `lines()` for the JSON text); `cancel()`
    from any thread stops it. The end of the reports, `close()` or a `with` block frees it."""

    def __init__(self, rules, options):
        settings = _Options()
        _lib.backsight_scan_options_init(byref(settings))
        unknown = set(options) - {"jobs", "unpack", "max_file_size", "max_file_seconds"}
        if unknown:
            raise TypeError(f"unknown scan options: {', '.join(sorted(unknown))}")
        settings.jobs = options.get("jobs", 0)
        settings.no_unpack = 0 if options.get("unpack", True) else 1
        settings.max_file_size = options.get("max_file_size", 0)
        settings.max_file_seconds = options.get("max_file_seconds", 0)
        handle = c_void_p()
        code = _lib.backsight_scan_new(rules._handle, byref(settings), byref(handle))
        if code != OK:
            raise BacksightError(code, "invalid scan options")
        self._handle = handle
        # cancel() may come from another thread while this one frees the handle.
        self._lock = threading.Lock()
        self._json = c_void_p()
        self._length = c_size_t()
        self.cancelled = False

    def _start(self, start, *arguments):
        error = _Error()
        code = start(self._handle, *arguments, byref(error))
        if code != OK:
            self.close()
            raise _fail(code, error, "scan")

    def _next_line(self):
        """The next report's JSON text, or None once the scan is done, cancelled or closed."""
        handle = self._handle
        if not handle:
            return None
        code = _lib.backsight_scan_next(handle, byref(self._json), byref(self._length))
        if code == OK:
            return ctypes.string_at(self._json.value, self._length.value)
        if code == CANCELLED:
            self.cancelled = True
        self.close()
        if code not in (DONE, CANCELLED):
            raise BacksightError(code, "backsight_scan_next failed")
        return None

    def lines(self):
        """Each report as the JSON text the CLI writes (bytes, without the newline)."""
        while (line := self._next_line()) is not None:
            yield line

    def __iter__(self):
        return self

    def __next__(self):
        line = self._next_line()
        if line is None:
            raise StopIteration
        return json.loads(line)

    def cancel(self):
        """Stops the scan soon; iteration then ends. Any thread."""
        with self._lock:
            if self._handle:
                _lib.backsight_scan_cancel(self._handle)

    def close(self):
        lock = getattr(self, "_lock", None)
        if lock is None:
            return
        with lock:
            handle, self._handle = self._handle, None
        if handle:
            _lib.backsight_scan_free(handle)

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.close()

    def __del__(self):
        self.close()
