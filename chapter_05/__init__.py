"""Chapter 5: non-blocking database drivers (asyncpg). The package defines nothing; it lets
listing 5.3 import the schema of listing 5.2 and listing 5.6 import load_common_words of 5.5."""
