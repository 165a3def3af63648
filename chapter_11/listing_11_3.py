"""Listing 11.3 — A race condition with dictionaries

Section 11.1. Needs: nothing.

What to watch: the four send() coroutines are built from the dictionary while Eric is still in
it, but they only start after user_disconnect('Eric') has closed his socket. John, Terry and
Graham print "Sending: ...", Eric's send raises "Exception: Socket is closed!", gather
propagates it and asyncio.run cancels the other three sends, so no "Sent:" line ever appears
(exit status 1, well under the 1 s a send takes). With an asyncio.TaskGroup instead of gather
the failure would arrive wrapped in an ExceptionGroup.
"""
import asyncio


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


async def user_disconnect(username: str):
    print(f'{username} disconnected!')
    socket = user_names_to_sockets.pop(username)
    socket.close()


async def message_all_users():
    print('Creating message tasks')
    messages = [socket.send(f'Hello {user}') for user, socket in
                user_names_to_sockets.items()]
    await asyncio.gather(*messages)


async def main():
    await asyncio.gather(message_all_users(), user_disconnect('Eric'))


if __name__ == "__main__":
    asyncio.run(main())
