#!/usr/bin/env python3
"""Writes the inputs of the README's resource table into DIR: pages and
articles built to make one stage's work grow (deep nesting, thousands of
sentences, a run-on "sentence", big batches, a batch with one slow article).

    python3 scripts/bounds_inputs.py /tmp/bounds
"""

import os
import sys

WORDS = ["river", "council", "ferry", "library", "winter", "bridge", "harbour", "market",
         "school", "orchard"]


def article(sentences, salt=0):
    """`sentences` distinct sentences, five to a paragraph."""
    out = []
    for i in range(sentences):
        out.append(
            f"The {WORDS[i % 10]} of district {i + salt} met the {WORDS[(i // 10) % 10]} committee "
            f"on day {i % 28 + 1} about the {WORDS[(i // 100) % 10]} plan."
            + ("\n\n" if i % 5 == 4 else " "))
    return "".join(out)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main(root):
    for depth in (10_000, 40_000, 200_000):
        write(f"{root}/deep{depth // 1000}k.html",
              "<html><body>" + "<div>" * depth
              + "<p>The bottom of a very deep page still holds a sentence.</p>"
              + "</div>" * depth + "</body></html>")
    for n in (1_000, 4_000, 16_000):
        write(f"{root}/s{n // 1000}k.txt", article(n))
    write(f"{root}/run-on.txt", "".join(f"item{i} " for i in range(3_000_000)) + "ends here.")
    # Six articles of about 20 MB each.
    for k in range(6):
        write(f"{root}/batch/{k}.txt", article(200_000, salt=k * 1_000_000))
    # A thousand 150-word sentences: within the ranking cap, yet seconds of
    # pairwise comparison (pass `--input clean`: the made-up words are no
    # article's prose to the cleaner).
    write(f"{root}/batch-slow/0-slow.txt", "".join(
        f"The committee of district {i} discussed "
        + " ".join(f"w{(i * 7 + j * 13) % 5000}" for j in range(150))
        + " at length." + ("\n\n" if i % 5 == 4 else " ")
        for i in range(1000)))
    for k in range(1, 10):
        write(f"{root}/batch-slow/{k}.txt", article(40, salt=k * 1000))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "bounds-inputs")
