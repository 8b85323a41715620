"""How much of the sealed guard set a repository's text repeats (run before measuring).

The sealed set (``bench/data/guard_sealed/``) was deduplicated against the model
card's training corpus; a new model may add sources. Give this script the git
mirrors of those sources (``owner/name`` under ``$GUARD_DATA_MIRRORS``, read at
HEAD): it reads their text files (csv/tsv cells, JSON strings, paragraphs and
lines of the others), and counts the sealed records that one of them repeats
exactly or nearly (``build_guard_sealed.Reference``: 90% of the record's word
3-grams in one text). Those records are no longer held out for that model.

    PYTHONPATH=. python bench/guard_sealed_overlap.py owner/name [owner/name ...]
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _guard_sealed_sources import MIRRORS
from build_guard_sealed import OUT, Reference

TEXT_FILES = re.compile(r"\.(csv|tsv|json|jsonl|txt|md|rst|yaml|yml|py)$")
MAX_BYTES = 3_000_000


def _git(repo: str, *args: str) -> bytes:
    mirror = MIRRORS / repo.replace("/", "+") / "repo"
    return subprocess.run(["git", "-C", str(mirror), *args], check=True, capture_output=True).stdout


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def texts(repo: str) -> Iterator[str]:
    """Every piece of text of the repository's text files at HEAD."""
    for line in _git(repo, "ls-tree", "-r", "-l", "HEAD").decode().splitlines():
        meta, path = line.split("\t", 1)
        size = meta.split()[3]
        if not size.isdigit() or int(size) > MAX_BYTES or not TEXT_FILES.search(path):
            continue
        text = _git(repo, "show", f"HEAD:{path}").decode("utf-8", errors="replace")
        if path.endswith((".csv", ".tsv")):
            try:
                delimiter = "\t" if path.endswith(".tsv") else ","
                for row in csv.reader(io.StringIO(text), delimiter=delimiter):
                    yield from row
            except csv.Error:
                continue
        elif path.endswith((".json", ".jsonl")):
            for chunk in [text] if path.endswith(".json") else text.split("\n"):
                try:
                    yield from _strings(json.loads(chunk))
                except json.JSONDecodeError:
                    continue
        else:
            yield from re.split(r"\n\s*\n", text)
            yield from text.splitlines()


def main() -> None:
    records = [json.loads(line) for line in (OUT / "injection.jsonl").open(encoding="utf-8")]
    for repo in sys.argv[1:]:
        pieces = [t for t in texts(repo) if len(t) > 15]
        reference = Reference(pieces)
        seen = [r for r in records if reference.seen(r["text"])]
        by_label = Counter(r["label"] for r in seen)
        print(f"{repo}: {len(pieces)} texts read; {len(seen)} of {len(records)} sealed records "
              f"repeated {dict(by_label)}")  # fmt: skip


if __name__ == "__main__":
    main()
