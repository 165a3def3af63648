"""Listing 13.13 — A more complex echo application

Section 13.2. Needs: nothing.

What to watch: like 13.11, but each line you type is echoed a random 0 to 9 times, one copy every
half second (it blocks in time.sleep meanwhile), before the next prompt; quit is echoed 0-9
times too before the program ends. Listing 13.14 drives it.

Differs from the book: the code runs under `if __name__ == "__main__":`, so that importing the
module does nothing.
"""
import time
from random import randrange

if __name__ == "__main__":
    user_input = ''

    while user_input != 'quit':
        user_input = input('Enter text to echo: ')
        for i in range(randrange(10)):
            time.sleep(.5)
            print(user_input)
