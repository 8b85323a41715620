"""Make tests/ mirror routeiq/ (issue #19, part 4): the ``git mv`` moves, and every
import, module string, ``parents[N]`` and documented path they change.

Run from the repository root (idempotent: a second run changes nothing)::

    python tools/mirror_tests.py            # apply
    python tools/mirror_tests.py --check    # list the moves; exit 1 if any is left

The layout it gives (docs/ARCHITECTURE.md, "Tests"):

- ``tests/<package>/`` tests ``routeiq/<package>/`` (``tests/llm/translated/`` tests
  ``routeiq/llm/translated/``, ``tests/plugins/guardrails/`` tests
  ``routeiq/plugins/guardrails/``);
- ``tests/test_<module>.py`` tests a top-level module ``routeiq/<module>.py``;
- three folders are not packages of routeiq/, by design: ``tests/e2e/`` (the real
  server driven by the official clients, and load from other processes: cross-cutting),
  ``tests/deploy/`` (tests of the repository's ``deploy/`` folder and image) and
  ``tests/bench/`` (tests of the repository's ``bench/`` data and scripts).

Each file of the folders that mirrored nothing (``core``, ``hardening``,
``providers``, ``guardrails``) goes where what it tests lives, decided by its
imports and docstring (the reason is in :data:`MOVES`). Helpers move with their
tests and stay importable under their new dotted name (``tests.providers.stack`` ->
``tests.llm.translated.stack``): every ``tests.<old>`` module name in Python files
(imports and ``python -m`` strings) and every ``tests/<old>`` path in Markdown is
rewritten. New folders get an ``__init__.py``; emptied ones lose theirs. No conftest
needed moving: the four folders had none, and their shared helpers are modules.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

#: old path -> (new path, why there)
MOVES: dict[str, tuple[str, str]] = {
    # tests/core
    "tests/core/test_background.py": ("tests/test_background.py", "routeiq/background.py"),
    "tests/core/test_startup.py": ("tests/test_gateway.py", "Gateway.steps/startup/shutdown"),
    "tests/core/test_config.py": ("tests/test_config.py", "routeiq/config.py"),
    "tests/core/test_app.py": ("tests/test_app.py", "routeiq/app.py (and what README says of it)"),
    "tests/core/test_heap.py": ("tests/test_heap.py", "routeiq/heap.py"),
    "tests/core/test_layers.py": ("tests/test_layers.py", "the whole package's imports"),
    "tests/core/test_backpressure_drain.py": (
        "tests/asgi/test_backpressure_drain.py",
        "routeiq/asgi/backpressure.py",
    ),
    "tests/core/test_fuzz.py": ("tests/api/test_fuzz.py", "the handlers in routeiq/api/"),
    "tests/core/test_http_api.py": ("tests/api/test_http_api.py", "routeiq/api/openai.py"),
    "tests/core/test_streaming.py": ("tests/api/test_streaming.py", "routeiq/api/ streaming"),
    "tests/core/test_stage_loop.py": ("tests/api/test_flow.py", "routeiq/api/flow.py"),
    "tests/core/test_validate.py": ("tests/api/test_validate.py", "routeiq/api/validate.py"),
    "tests/core/test_lean_pool.py": ("tests/llm/test_pool.py", "routeiq/llm/pool.py"),
    "tests/core/test_sse.py": ("tests/llm/test_sse.py", "routeiq/llm/sse.py"),
    "tests/core/test_telemetry.py": (
        "tests/telemetry/test_loopblock.py",
        "routeiq/telemetry/loopblock.py",
    ),
    # tests/hardening
    "tests/hardening/test_breaker_metrics.py": (
        "tests/routing/test_breaker_metrics.py",
        "routeiq/routing/breaker_metrics.py",
    ),
    "tests/hardening/test_one_deadline.py": (
        "tests/routing/test_one_deadline.py",
        "routeiq/routing/executor.py",
    ),
    "tests/hardening/test_drain_cut.py": ("tests/test_lifecycle.py", "routeiq/lifecycle.py"),
    "tests/hardening/test_fd_exhaustion.py": ("tests/test_netguard.py", "routeiq/netguard.py"),
    "tests/hardening/test_keepalive_race.py": ("tests/test_server.py", "routeiq/server.py"),
    "tests/hardening/test_ssrf_wrapped.py": ("tests/test_ssrf.py", "routeiq/ssrf.py"),
    "tests/hardening/test_unknown_route_keepalive.py": (
        "tests/test_dispatch.py",
        "routeiq/dispatch.py (routes that never read the body)",
    ),
    "tests/hardening/test_field_validation.py": (
        "tests/api/test_field_validation.py",
        "routeiq/api/validate.py",
    ),
    "tests/hardening/test_info_admin.py": ("tests/api/test_info_admin.py", "routeiq/api/admin.py"),
    "tests/hardening/test_header_injection.py": (
        "tests/asgi/test_header_injection.py",
        "routeiq/asgi/request_id.py + headers.py",
    ),
    "tests/hardening/test_slow_bodies.py": (
        "tests/asgi/test_body_gate.py",
        "routeiq/asgi/body_gate.py",
    ),
    "tests/hardening/test_no_cycles.py": ("tests/e2e/test_no_cycles.py", "load from a process"),
    "tests/hardening/load_mix.py": ("tests/e2e/load_mix.py", "its load generator"),
    # tests/providers: the translated providers
    "tests/providers/mock_anthropic.py": (
        "tests/llm/translated/mock_anthropic.py",
        "helper",
    ),
    "tests/providers/mock_others.py": ("tests/llm/translated/mock_others.py", "helper"),
    "tests/providers/stack.py": ("tests/llm/translated/stack.py", "helper"),
    "tests/providers/test_anthropic.py": (
        "tests/llm/translated/test_anthropic.py",
        "routeiq/llm/translated/anthropic.py",
    ),
    "tests/providers/test_gemini_bedrock.py": (
        "tests/llm/translated/test_gemini_bedrock.py",
        "routeiq/llm/translated/gemini.py + bedrock.py",
    ),
    "tests/providers/test_catalog.py": (
        "tests/llm/translated/test_catalog.py",
        "routeiq/llm/translated/catalog.py",
    ),
    "tests/providers/test_lazy_import.py": (
        "tests/llm/translated/test_lazy_import.py",
        "routeiq/llm/translated/runtime.py",
    ),
    "tests/providers/test_stream_units.py": (
        "tests/llm/translated/test_stream.py",
        "routeiq/llm/translated/stream.py",
    ),
}
#: The guardrail tests, file for file: routeiq/plugins/guardrails/.
GUARDRAIL_TESTS = (
    "test_learned_fast",
    "test_learned_pinned",
    "test_embedding_head",
    "test_cache",
    "test_content",
    "test_hard_negatives",
    "test_injection",
    "test_learned",
    "test_pii",
    "test_properties",
    "test_settings",
    "test_validators",
)
for _name in GUARDRAIL_TESTS:
    MOVES[f"tests/guardrails/{_name}.py"] = (
        f"tests/plugins/guardrails/{_name}.py",
        "routeiq/plugins/guardrails/",
    )
#: Folders of tests/ that mirror no package of routeiq/, on purpose.
NOT_PACKAGES = {"e2e", "deploy", "bench"}
PARENTS = re.compile(r"(Path\(__file__\)\.resolve\(\)\.parents\[)(\d+)(\])")


def dotted(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def module_renames() -> list[tuple[re.Pattern[str], str]]:
    """Dotted module names, longest first (``tests.providers.stack`` before any
    shorter prefix)."""
    pairs = sorted(((dotted(o), dotted(n)) for o, (n, _) in MOVES.items()), reverse=True)
    return [(re.compile(rf"(?<![\w.]){re.escape(o)}\b"), n) for o, n in pairs]


def path_renames() -> list[tuple[re.Pattern[str], str]]:
    pairs = sorted(((o, n) for o, (n, _) in MOVES.items()), reverse=True)
    out = [(re.compile(rf"(?<![\w/.]){re.escape(o)}\b"), n) for o, n in pairs]
    # A folder named in prose (``tests in `tests/hardening/` ``): where most went.
    out += [
        (re.compile(r"`tests/hardening/`"), "`tests/` (see docs/ARCHITECTURE.md, Tests)"),
        (re.compile(r"`tests/providers/`"), "`tests/llm/translated/`"),
        (re.compile(r"`tests/guardrails/`"), "`tests/plugins/guardrails/`"),
    ]
    return out


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def run(root: Path, check: bool) -> list[str]:
    done: list[str] = []
    todo = [(o, n) for o, (n, _) in MOVES.items() if (root / o).exists()]
    for old, new in todo:
        if (root / new).exists():
            raise SystemExit(f"{new} exists already: not moving {old} over it")
    for old, new in todo:
        done.append(f"move {old} -> {new}")
        if check:
            continue
        target = root / new
        for parent in reversed(target.relative_to(root).parents[:-1]):
            folder = root / parent
            folder.mkdir(exist_ok=True)
            init = folder / "__init__.py"
            if parent.parts[0] == "tests" and not init.exists():
                init.write_text("")
                git(root, "add", init.relative_to(root).as_posix())
        git(root, "mv", old, new)
        # Files that find the repository by depth: keep them pointing at it.
        shift = len(Path(new).parts) - len(Path(old).parts)
        text = target.read_text()
        fixed = PARENTS.sub(lambda m, s=shift: f"{m[1]}{int(m[2]) + s}{m[3]}", text)
        if fixed != text:
            target.write_text(fixed)
    if check:
        return done
    # Emptied folders lose their __init__.py.
    for folder in sorted({(root / old).parent for old, _ in todo}):
        if not folder.is_dir():
            continue
        rest = [p for p in folder.iterdir() if p.name not in ("__init__.py", "__pycache__")]
        if not rest and (folder / "__init__.py").exists():
            git(root, "rm", "-q", (folder / "__init__.py").relative_to(root).as_posix())
    renames = module_renames()
    for path in sorted(root.glob("tests/**/*.py")) + sorted(root.glob("bench/**/*.py")):
        text = path.read_text()
        new_text = text
        for pattern, new in renames:
            new_text = pattern.sub(new, new_text)
        if new_text != text:
            path.write_text(new_text)
            done.append(f"imports {path.relative_to(root)}")
    paths = path_renames()
    docs = [root / "README.md", *sorted((root / "docs").rglob("*.md")), root / "Makefile"]
    docs += sorted(root.glob("routeiq/**/*.py")) + sorted(root.glob("bench/**/*.py"))
    for path in docs:
        if not path.exists():
            continue
        text = path.read_text()
        new_text = text
        for pattern, new in paths:
            new_text = pattern.sub(new, new_text)
        if new_text != text:
            path.write_text(new_text)
            done.append(f"paths {path.relative_to(root)}")
    return done


def unmirrored(root: Path) -> list[str]:
    """Test folders that are neither a routeiq package nor one of NOT_PACKAGES."""
    out = []
    for folder in sorted(p for p in (root / "tests").rglob("*") if p.is_dir()):
        rel = folder.relative_to(root / "tests")
        if "__pycache__" in rel.parts or not any(folder.glob("test_*.py")):
            continue
        if rel.parts[0] in NOT_PACKAGES:
            continue
        if not (root / "routeiq" / rel).is_dir():
            out.append(f"tests/{rel.as_posix()}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", nargs="?", default=".", type=Path)
    parser.add_argument(
        "--check", action="store_true", help="move nothing; exit 1 if any move is left"
    )
    args = parser.parse_args(argv)
    root = args.root.resolve()
    done = run(root, args.check)
    changed = sorted({line.split(" ", 1)[1] for line in done if line.startswith("imports ")})
    if changed:
        # A renamed import may sort elsewhere: let ruff re-sort the blocks it touched.
        ruff = [sys.executable, "-m", "ruff"]
        sort = subprocess.run([*ruff, "check", "-q", "--fix", "--select", "I", *changed], cwd=root)
        done_fmt = subprocess.run([*ruff, "format", "-q", *changed], cwd=root)
        if sort.returncode != 0 or done_fmt.returncode != 0:
            print("ruff failed: run `ruff check --fix --select I` and `ruff format` by hand")
    for line in done:
        print(line)
    left = unmirrored(root)
    for folder in left:
        print(f"not mirrored: {folder}")
    moves = sum(line.startswith("move ") for line in done)
    print(f"{moves} files {'to move' if args.check else 'moved'}; {len(left)} folders not mirrored")
    return 1 if (args.check and moves) or (not args.check and left) else 0


if __name__ == "__main__":
    sys.exit(main())
