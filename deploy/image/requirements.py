"""Print the project's dependencies (and those of the named extras) from pyproject.toml.

The image installs these in a layer of their own, before the source is copied,
so a change to the code does not reinstall every dependency:

    python requirements.py pyproject.toml providers semantic > requirements.txt
"""

from __future__ import annotations

import sys
import tomllib


def main(argv: list[str]) -> int:
    path, extras = argv[0], argv[1:]
    with open(path, "rb") as f:
        project = tomllib.load(f)["project"]
    lines = list(project["dependencies"])
    optional = project.get("optional-dependencies", {})
    for extra in extras:
        if extra not in optional:
            print(f"unknown extra {extra!r}; known: {', '.join(optional)}", file=sys.stderr)
            return 2
        lines.extend(optional[extra])
    print("\n".join(dict.fromkeys(lines)))  # once each, in order
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
