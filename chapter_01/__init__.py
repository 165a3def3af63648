"""Chapter 1: Getting to know asyncio (the listings are the modules listing_1_N)."""
