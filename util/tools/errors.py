"""The project's errors that a reader sees: the command line prints each as one line, exit 2
(`ReaderError`; `ServiceError` when something a listing needs could not be started)."""


class ReaderError(Exception):
    """A problem worded for the reader, printed without a traceback."""


class ServiceError(ReaderError):
    """Something a listing needs could not be started."""
