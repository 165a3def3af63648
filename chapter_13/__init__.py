"""Chapter 13: Managing subprocesses (the listings are modules of this package)."""
