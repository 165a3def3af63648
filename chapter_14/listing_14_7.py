"""Listing 14.7 — Using send with coroutines

Section 14.5.2. Needs: nothing.

What to watch: no event loop at all: send(None) on the coroutine object runs meet_and_greet,
which prints "Hello!" and "Goodbye!". Nothing inside suspends, so the coroutine finishes within
that one send and raises StopIteration, which the script does not catch: it ends with a traceback
whose last line is "StopIteration" (exit status 1), as in the book.
"""


async def say_hello():
    print('Hello!')


async def say_goodbye():
    print('Goodbye!')


async def meet_and_greet():
    await say_hello()
    await say_goodbye()


if __name__ == "__main__":
    coro = meet_and_greet()

    coro.send(None)
