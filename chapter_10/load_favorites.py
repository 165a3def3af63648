"""Fill the favorites database (settings.FAVORITES_DB) with listing 10.3; util.tools.book_databases
runs it."""
from chapter_10.load_sql import main

if __name__ == "__main__":
    main("favorites")
