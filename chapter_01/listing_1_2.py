"""Listing 1.2 — Processes and threads in a simple Python application

Section 1.4.2. Needs: nothing.

What to watch: a plain Python program is one process (its id is printed) with exactly one
thread, the main thread.
"""
import os
import threading

if __name__ == "__main__":
    print(f'Python process running with process id: {os.getpid()}')

    total_threads = threading.active_count()
    thread_name = threading.current_thread().name

    print(f'Python is currently running {total_threads} thread(s)')
    print(f'The current thread is {thread_name}')
