"""Listing 11.15 — Using conditions to wait for specific states

Section 11.5. Needs: nothing.

What to watch: both queries wait in condition.wait_for(self._is_initialized), which re-checks
the predicate on every notify_all(); no "execute: Running" line appears before "initialize:
Finished initializing connection". Each query then keeps the condition's lock during its 3 s,
so they run one after the other: 3 s of initialization + 3 s + 3 s, about 9 s in total.

Differs from the book: an f-string without placeholders is a plain string, and the state check
uses `!=` where the book has `is not`.
"""
import asyncio
from enum import Enum


class ConnectionState(Enum):
    WAIT_INIT = 0
    INITIALIZING = 1
    INITIALIZED = 2


class Connection:

    def __init__(self):
        self._state = ConnectionState.WAIT_INIT
        self._condition = asyncio.Condition()

    async def initialize(self):
        await self._change_state(ConnectionState.INITIALIZING)
        print('initialize: Initializing connection...')
        await asyncio.sleep(3)  # simulate connection startup time
        print('initialize: Finished initializing connection')
        await self._change_state(ConnectionState.INITIALIZED)

    async def execute(self, query: str):
        async with self._condition:
            print('execute: Waiting for connection to initialize')
            await self._condition.wait_for(self._is_initialized)
            print(f'execute: Running {query}!!!')
            await asyncio.sleep(3)  # simulate a long query

    async def _change_state(self, state: ConnectionState):
        async with self._condition:
            print(f'change_state: State changing from {self._state} to {state}')
            self._state = state
            self._condition.notify_all()

    def _is_initialized(self):
        if self._state != ConnectionState.INITIALIZED:
            print(f'_is_initialized: Connection not finished initializing, '
                  f'state is {self._state}')
            return False
        print('_is_initialized: Connection is initialized!')
        return True


async def main():
    connection = Connection()
    query_one = asyncio.create_task(connection.execute('select * from table'))
    query_two = asyncio.create_task(connection.execute('select * from other_table'))
    asyncio.create_task(connection.initialize())
    await query_one
    await query_two


if __name__ == "__main__":
    asyncio.run(main())
