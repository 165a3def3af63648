"""Chapter 3: A first asyncio application (the listings are modules of this package)."""
