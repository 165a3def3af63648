"""Listing 8.8 — Reading input one character at a time

Section 8.4.1. Needs: tty.

What to watch: nothing happens when you run this module; 8.10, 8.11 and 8.14 use read_line().
It is meant for a terminal in cbreak mode, which neither echoes nor buffers lines, so it echoes
each byte itself, erases the last character on Backspace (DEL, byte 127: one column left, a
space, one column left again) and, on Enter, erases the input row and returns the line without
the newline. It only returns on a newline byte: at end of input it would spin forever.
Backspace sent as Ctrl-H (byte 8) is not handled, and a multi-byte UTF-8 character fails to
decode one byte at a time. On Python 3.12.0 and 3.12.1, tty.setcbreak also turned Enter into a
carriage return, so read_line never returned there (fixed in 3.12.2): use another version.
"""
import sys
from asyncio import StreamReader
from collections import deque

from chapter_08.listing_8_7 import clear_line, move_back_one_char


async def read_line(stdin_reader: StreamReader) -> str:
    def erase_last_char():
        move_back_one_char()
        sys.stdout.write(' ')
        move_back_one_char()

    delete_char = b'\x7f'
    input_buffer = deque()
    while (input_char := await stdin_reader.read(1)) != b'\n':
        if input_char == delete_char:
            if len(input_buffer) > 0:
                input_buffer.pop()
                erase_last_char()
                sys.stdout.flush()
        else:
            input_buffer.append(input_char)
            sys.stdout.write(input_char.decode())
            sys.stdout.flush()
    clear_line()
    return b''.join(input_buffer).decode()
