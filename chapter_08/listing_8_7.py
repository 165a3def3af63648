"""Listing 8.7 — Convenience functions for escape sequences

Section 8.4.1. Needs: nothing.

What to watch: nothing happens when you run this module; 8.10, 8.11 and 8.14 star-import it
(which also brings them `sys`). Each function writes an ANSI/VT100 escape sequence to
sys.stdout without flushing: ESC 7 / ESC 8 save and restore the cursor, CSI H moves to the top
left, CSI 2K erases the line, CSI 0G goes to the first column, CSI 1D moves one column left,
and move_to_bottom_of_screen moves down rows-1 lines (CSI <rows-1>E) and returns the number of
rows of the terminal.
"""
import shutil
import sys


def save_cursor_position():
    sys.stdout.write('\0337')


def restore_cursor_position():
    sys.stdout.write('\0338')


def move_to_top_of_screen():
    sys.stdout.write('\033[H')


def delete_line():
    sys.stdout.write('\033[2K')


def clear_line():
    sys.stdout.write('\033[2K\033[0G')


def move_back_one_char():
    sys.stdout.write('\033[1D')


def move_to_bottom_of_screen() -> int:
    _, total_rows = shutil.get_terminal_size()
    input_row = total_rows - 1
    sys.stdout.write(f'\033[{input_row}E')
    return total_rows
