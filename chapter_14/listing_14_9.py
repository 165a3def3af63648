"""Listing 14.9 — Using CustomFuture in a loop

Section 14.5.3. Needs: nothing.

What to watch: awaiting is just driving __await__: each pass takes a fresh generator from
future.__await__() and sends None. While the future is unfinished the generator yields ("Future
is not done..."); on the second pass the script sets the result, and the third pass ends with
StopIteration carrying "Finished!".

Differs from the book: it imports chapter_14.listing_14_8 (the book writes `from listing_14_8
import ...`, which only works from inside the chapter_14 folder).
"""
from chapter_14.listing_14_8 import CustomFuture

if __name__ == "__main__":
    future = CustomFuture()

    i = 0

    while True:
        try:
            print('Checking future...')
            gen = future.__await__()
            gen.send(None)
            print('Future is not done...')
            if i == 1:
                print('Setting future value...')
                future.set_result('Finished!')
            i = i + 1
        except StopIteration as si:
            print(f'Value is: {si.value}')
            break
