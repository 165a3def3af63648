"""The project's errors that a reader sees: the command line prints each as one line, exit 2."""


class ReaderError(Exception):
    """A problem worded for the reader, printed without a traceback."""
