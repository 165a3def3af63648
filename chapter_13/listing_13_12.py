"""Listing 13.12 — Running the echo application in a subprocess

Section 13.2. Needs: nothing.

What to watch: for each of one, two, three, four and quit the parent reads up to 2048 bytes of
the child's output, prints them and then types the next word; it prints five chunks, the first
the bare prompt, and never reads the echo of "quit". Treating one read as "one answer" only
works because this child answers at once, in one write; 13.14 handles a child that takes its
time. With PYTHONUNBUFFERED=1 in your environment the child writes the echo, its newline and the
prompt separately, and a read may return just b'one' or b'\n': the chunks shift.

Differs from the book: the child (13.11) is started as `sys.executable -m
chapter_13.listing_13_11` instead of `python3 ...` relative to the current directory (see 13.5).
The book's own repository starts listing_13_13.py here instead; the book starts 13.11, as here.
"""
import asyncio
import sys
from asyncio import StreamReader, StreamWriter
from asyncio.subprocess import Process


async def consume_and_send(text_list, stdout: StreamReader, stdin: StreamWriter):
    for text in text_list:
        line = await stdout.read(2048)
        print(line)
        stdin.write(text.encode())
        await stdin.drain()


async def main():
    program = [sys.executable, '-m', 'chapter_13.listing_13_11']
    process: Process = await asyncio.create_subprocess_exec(*program,
                                                            stdout=asyncio.subprocess.PIPE,
                                                            stdin=asyncio.subprocess.PIPE)

    text_input = ['one\n', 'two\n', 'three\n', 'four\n', 'quit\n']

    await asyncio.gather(consume_and_send(text_input, process.stdout, process.stdin),
                         process.wait())


if __name__ == "__main__":
    asyncio.run(main())
