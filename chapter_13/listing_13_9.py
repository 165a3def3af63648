"""Listing 13.9 — Echoing user input

Section 13.2. Needs: nothing.

What to watch: a plain program that asks "Please enter a username: " and answers "Your username
is <name>"; listing 13.10 starts it and types the name for you. With its input piped, the
prompt and the answer end up on one line; with no input at all it fails with EOFError.

Differs from the book: the code runs under `if __name__ == "__main__":`, so that importing the
module does nothing.
"""

if __name__ == "__main__":
    username = input('Please enter a username: ')
    print(f'Your username is {username}')
