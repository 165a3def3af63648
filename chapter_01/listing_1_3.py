"""Listing 1.3 — Creating a multithreaded Python application

Section 1.4.2. Needs: nothing.

What to watch: the worker thread greets from its own thread while the main thread keeps going.
The thread count is 2 if the worker is still alive when the main thread counts, 1 if it has
already finished, and the greeting may come before or after the main thread's lines. Since
Python 3.10 the thread's name includes its target: "Thread-1 (hello_from_thread)".
"""
import threading


def hello_from_thread():
    print(f'Hello from thread {threading.current_thread()}!')


if __name__ == "__main__":
    hello_thread = threading.Thread(target=hello_from_thread)
    hello_thread.start()

    total_threads = threading.active_count()
    thread_name = threading.current_thread().name

    print(f'Python is currently running {total_threads} thread(s)')
    print(f'The current thread is {thread_name}')

    hello_thread.join()
