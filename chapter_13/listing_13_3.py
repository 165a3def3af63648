"""Listing 13.3 — Using the standard output stream reader

Section 13.1.1. Needs: nothing.

What to watch: the output of `ls -la` now comes through a pipe, line by line, and every line is
printed by the parent with the prefix "[ls -la]: "; reading the pipe in a task while waiting
for the child is what keeps this safe (compare 13.5). POSIX only (`ls`).
"""
import asyncio
from asyncio import StreamReader
from asyncio.subprocess import Process


async def write_output(prefix: str, stdout: StreamReader):
    while line := await stdout.readline():
        print(f'[{prefix}]: {line.rstrip().decode()}')


async def main():
    program = ['ls', '-la']
    process: Process = await asyncio.create_subprocess_exec(*program,
                                                            stdout=asyncio.subprocess.PIPE)
    print(f'Process pid is: {process.pid}')
    stdout_task = asyncio.create_task(write_output(' '.join(program), process.stdout))

    return_code, _ = await asyncio.gather(process.wait(), stdout_task)
    print(f'Process returned: {return_code}')


if __name__ == "__main__":
    asyncio.run(main())
