"""Listing 1.4 — Creating multiple processes

Section 1.4.2. Needs: nothing.

What to watch: parent and child print different process ids, in either order. The main-module
guard is required: with the forkserver (Linux default since 3.14) or spawn start methods the
child re-imports this module.
"""
import multiprocessing
import os


def hello_from_process():
    print(f'Hello from child process {os.getpid()}!')


if __name__ == '__main__':
    hello_process = multiprocessing.Process(target=hello_from_process)
    hello_process.start()

    print(f'Hello from parent process {os.getpid()}')

    hello_process.join()
