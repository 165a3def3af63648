"""Listing 11.5 — Using locks to avoid race conditions

Section 11.2. Needs: nothing.

What to watch: the same four users and mock sockets as listing 11.3, but both coroutines take
one shared Lock. "Eric disconnected!" still prints early, yet he is removed ("Removing Eric from
dictionary", the last line) only after all four messages, Eric's included, were sent. No
exception, and about 1 s in total because the four sends run concurrently.
"""
import asyncio
from asyncio import Lock


class MockSocket:
    def __init__(self):
        self.socket_closed = False

    async def send(self, msg: str):
        if self.socket_closed:
            raise Exception('Socket is closed!')
        print(f'Sending: {msg}')
        await asyncio.sleep(1)
        print(f'Sent: {msg}')

    def close(self):
        self.socket_closed = True


user_names_to_sockets = {'John': MockSocket(),
                         'Terry': MockSocket(),
                         'Graham': MockSocket(),
                         'Eric': MockSocket()}


async def user_disconnect(username: str, user_lock: Lock):
    print(f'{username} disconnected!')
    async with user_lock:
        print(f'Removing {username} from dictionary')
        socket = user_names_to_sockets.pop(username)
        socket.close()


async def message_all_users(user_lock: Lock):
    print('Creating message tasks')
    async with user_lock:
        messages = [socket.send(f'Hello {user}') for user, socket in
                    user_names_to_sockets.items()]
        await asyncio.gather(*messages)


async def main():
    user_lock = Lock()
    await asyncio.gather(message_all_users(user_lock),
                         user_disconnect('Eric', user_lock))


if __name__ == "__main__":
    asyncio.run(main())
