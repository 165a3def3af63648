"""Chapter 2: asyncio basics (the listings are the modules listing_2_N)."""
