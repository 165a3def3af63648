"""Listing 13.14 — Separating output reading from input writing

Section 13.2. Needs: nothing.

What to watch: a reader task prints every chunk of the child's (13.13) output as it arrives and
sets an Event when a chunk ends with the prompt; the writer types the next word only then. Each
word comes back 0-9 times with half a second between copies, so a run takes about 10 s (up to
22.5 s), and the final echoes of quit are printed too. With PYTHONUNBUFFERED=1 in the
environment the child writes each line (and each newline) at once, so you see smaller chunks.

Differs from the book: the child is started as `sys.executable -m chapter_13.listing_13_13`
instead of `python3 listing_13_13.py` relative to the current directory (see 13.5).
"""
import asyncio
import sys
from asyncio import Event, StreamReader, StreamWriter
from asyncio.subprocess import Process


async def output_consumer(input_ready_event: Event, stdout: StreamReader):
    while (data := await stdout.read(1024)) != b'':
        print(data)
        if data.decode().endswith("Enter text to echo: "):
            input_ready_event.set()


async def input_writer(text_data, input_ready_event: Event, stdin: StreamWriter):
    for text in text_data:
        await input_ready_event.wait()
        stdin.write(text.encode())
        await stdin.drain()
        input_ready_event.clear()


async def main():
    program = [sys.executable, '-m', 'chapter_13.listing_13_13']
    process: Process = await asyncio.create_subprocess_exec(*program,
                                                            stdout=asyncio.subprocess.PIPE,
                                                            stdin=asyncio.subprocess.PIPE)

    input_ready_event = asyncio.Event()

    text_input = ['one\n', 'two\n', 'three\n', 'four\n', 'quit\n']

    await asyncio.gather(output_consumer(input_ready_event, process.stdout),
                         input_writer(text_input, input_ready_event, process.stdin),
                         process.wait())


if __name__ == "__main__":
    asyncio.run(main())
