"""Listing 6.7 — Counting frequencies of words starting with a

Section 6.4.3. Needs: data.

What to watch: the single-process baseline. It reads the whole Ngram file with readlines(),
then times only the counting loop and prints the seconds (nothing else). The book's real file
(86.6 million lines) took about 76 s; the synthetic one (`python -m chapter_06.make_data`,
1,000,000 lines by default) takes well under a second. Without the file: FileNotFoundError.

Measured on this project's machine: benchmarks/results/report.md (the cpu comparison).

Differs from the book: the file is googlebooks-eng-all-1gram-20120701-a next to this module
(made by chapter_06/make_data.py; the book downloads Google's and opens it relative to the
working directory), or the file the NGRAM_FILE setting names (util.settings). The program runs
under `if __name__ == "__main__":` (the book runs it at module level).
"""
import time

from util import settings

data_file = settings.NGRAM_FILE

if __name__ == "__main__":
    freqs = {}

    with open(data_file, encoding='utf-8') as f:
        lines = f.readlines()

        start = time.time()

        for line in lines:
            data = line.split('\t')
            word = data[0]
            count = int(data[2])
            if word in freqs:
                freqs[word] = freqs[word] + count
            else:
                freqs[word] = count

        end = time.time()
        print(f'{end-start:.4f}')
