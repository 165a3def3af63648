"""Chapter 11: Synchronization (the listings are the modules listing_11_N)."""
