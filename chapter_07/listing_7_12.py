"""Listing 7.12 — Tkinter "hello world"

Section 7.4.1. Needs: display.

What to watch: a 200x100 window "Hello world app" with one "Say hello" button; each click
prints "Hello there!". window.mainloop() runs Tk's own event loop in the main thread until the
window is closed, which is why a blocking call in a button handler (or an asyncio loop in the
same thread) would freeze the window. Without a display it fails with tkinter.TclError.

Differs from the book: say_hello is defined before the window is built.
"""
import tkinter
from tkinter import ttk


def say_hello():
    print('Hello there!')


if __name__ == "__main__":
    window = tkinter.Tk()
    window.title('Hello world app')
    window.geometry('200x100')

    hello_button = ttk.Button(window, text='Say hello', command=say_hello)
    hello_button.pack()

    window.mainloop()
