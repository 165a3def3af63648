"""Listing 2.2 — Comparing coroutines to normal functions

Section 2.1.1. Needs: nothing.

What to watch: calling a coroutine function does not run it; it returns a coroutine object.
That object is never awaited, so Python warns on stderr at exit: "RuntimeWarning: coroutine
'coroutine_add_one' was never awaited".
"""


async def coroutine_add_one(number: int) -> int:
    return number + 1


def add_one(number: int) -> int:
    return number + 1


if __name__ == "__main__":
    function_result = add_one(1)
    coroutine_result = coroutine_add_one(1)

    print(f'Function result is {function_result} and the type is {type(function_result)}')
    print(f'Coroutine result is {coroutine_result} and the type is {type(coroutine_result)}')
