"""Fill the cart database (settings.CART_DB) with listing 10.2; util.tools.book_databases runs
it."""
from chapter_10.load_sql import main

if __name__ == "__main__":
    main("cart")
