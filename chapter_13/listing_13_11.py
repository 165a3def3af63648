"""Listing 13.11 — An echo application

Section 13.2. Needs: nothing.

What to watch: a plain program that prompts "Enter text to echo: " and prints back each line you
type, until you type quit (echoed too); listing 13.12 drives it through pipes.

Differs from the book: the code runs under `if __name__ == "__main__":`, so that importing the
module does nothing.
"""

if __name__ == "__main__":
    user_input = ''

    while user_input != 'quit':
        user_input = input('Enter text to echo: ')
        print(user_input)
