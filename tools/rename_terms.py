"""Words mean one thing: the codemod that renames ``Scope``, ``Call``, ``begin``, ``gw``
and "policy" where they meant something else (issue #19, part 5).

Run from the repository root (idempotent: a second run changes nothing)::

    python tools/rename_terms.py            # apply
    python tools/rename_terms.py --check    # list what would change; exit 1 if anything

What each word meant, and the one meaning it keeps:

=========  ===============================================  ===============================
word       meanings found                                    after
=========  ===============================================  ===============================
Scope      ASGI connection scope (``asgi.types.Scope``)      keeps ``Scope`` / ``scope``
           semantic-cache index key (namespace, model,       ``Partition`` / ``partition``
           fingerprint) (``cache.semantic.Scope``, sync,
           service, maintenance)
           trio cancel scopes held in ``scope``/``scopes``    ``cancel_scope`` /
           (gateway, reload, lifecycle, ssrf, relays...)     ``cancel_scopes``
Call       one translated upstream call                      keeps ``Call``
           (``llm.translated.adapters.Call``)
           a chat request as plugins see it                  ``PluginRequest``
           (``plugins.base.Call``)
begin      open a request's handle (``Pipeline.begin``,      keeps ``begin``
           ``CacheRequest.begin``)
           admit an attempt past a breaker, returning a      ``admit``
           probe ticket (``Breaker(Board).begin``)
           the bytes that open a translated stream           ``preamble``
           (``surfaces`` stream translators)
gw         the whole ``routeiq.gateway.Gateway``              keeps ``gw``
           an ``A2AGateway`` (``api/a2a.py``, a2a tests)      ``a2a``
           an ``MCPGateway`` (``api/mcp.py``, mcp tests)      ``mcp``
policy     the access rules (``routeiq.policy``,             keeps "policy"
           ``asgi/policy.py``, config ``routeiq.policy``)
           what may be cached (``routeiq.cache.policy``)     module ``routeiq.cache.cacheable``
           retry policies of coredis / LiteLLM's config      third-party names, unchanged
=========  ===============================================  ===============================

How: every Python file under routeiq/, tests/, bench/ and tools/ is parsed with ``ast``;
the renames are applied at the exact positions ``ast`` reports (identifiers only, never
text in strings or comments, formatting untouched), each checked to still read the old
name before it is replaced. Cancel scopes are recognised per function (a local
``scope`` bound by ``with trio.CancelScope()/move_on_after()/fail_after() as``, annotated
``CancelScope``, or used as ``scope.cancel()``, ``.cancelled_caught``, ``.deadline``,
``.shield``); a function where ``scope`` is both an ASGI scope and a cancel scope is
reported and left alone. Module moves use ``git mv``. Markdown (docs/, README.md) gets
the qualified names only. At the end it lists leftovers it could not decide (a
``.begin`` on an unknown receiver in a file not listed here), for a person to check.
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

PY_DIRS = ("routeiq", "tests", "bench", "tools")
MD_FILES = ("README.md", "docs")

#: (defining module, old, new): the definition, its importers and ``module.old``.
SYMBOLS = [
    ("routeiq.plugins.base", "Call", "PluginRequest"),
    ("routeiq.cache.semantic", "Scope", "Partition"),
]
#: (old module, new module); the test module that mirrors it moves with it.
MODULES = [("routeiq.cache.policy", "routeiq.cache.cacheable")]
TEST_MOVES = [("tests/cache/test_policy.py", "tests/cache/test_cacheable.py")]
#: (old, new, files): in these files every ``def old`` in a class, every ``.old``
#: attribute and every class-level field ``old`` has this meaning.
MEMBERS: list[tuple[str, str, tuple[str, ...]]] = [
    (
        "begin",
        "admit",
        (
            "routeiq/routing/breaker.py",
            "routeiq/routing/executor.py",
            "tests/routing/test_breaker.py",
            "tests/hardening/test_breaker_metrics.py",
            "tests/routing/test_breaker_metrics.py",  # after tools/mirror_tests.py
        ),
    ),
    (
        "begin",
        "preamble",
        (
            "routeiq/surfaces/responses_response.py",
            "routeiq/surfaces/anthropic_response.py",
            "routeiq/surfaces/relay.py",
            "tests/surfaces/test_responses_translate.py",
            "tests/surfaces/test_anthropic_translate.py",
        ),
    ),
    ("scopes", "cancel_scopes", ("routeiq/gateway.py", "routeiq/reload.py")),
    ("scope", "cancel_scope", ("routeiq/gateway.py",)),  # Running.scope
    (
        "scope",
        "cancel_scope",
        ("routeiq/mcp/upstream.py", "routeiq/mcp/registry.py", "tests/mcp/test_admin.py"),
    ),
    ("gw", "a2a", ("routeiq/api/a2a.py",)),
    ("gw", "mcp", ("routeiq/api/mcp.py",)),
]
#: (file, old, new, functions or None for all, functions to leave): local names.
LOCALS: list[tuple[str, str, str, tuple[str, ...] | None, tuple[str, ...]]] = [
    ("routeiq/api/mcp.py", "gw", "mcp", ("ClientStream.__init__",), ()),
    ("routeiq/cache/semantic.py", "scope", "partition", None, ()),
    ("routeiq/cache/sync.py", "scope", "partition", None, ()),
    ("routeiq/cache/service.py", "scope", "partition", ("CacheService.apply_add",), ()),
    ("routeiq/cache/maintenance.py", "scope", "partition", None, ()),
    ("tests/a2a/test_endpoint.py", "gw", "a2a", None, ()),
    ("tests/a2a/test_streams.py", "gw", "a2a", None, ()),
    ("tests/a2a/test_ssrf_calls.py", "gw", "a2a", None, ()),
    ("tests/a2a/test_redis_shared.py", "gw", "stack", None, ()),
    ("tests/mcp/test_endpoint.py", "gw", "mcp", None, ("make",)),
]
#: Exact text in Python files (a docstring's table of the package's modules).
PY_TEXT = [
    ("routeiq/cache/__init__.py", "    policy       cacheable(", "    cacheable    cacheable("),
]
#: Plain text (Markdown): qualified names only.
TEXT = [
    ("routeiq.cache.policy", "routeiq.cache.cacheable"),
    ("cache/policy.py", "cache/cacheable.py"),
    ("plugins.base.Call", "plugins.base.PluginRequest"),
    ("cache.semantic.Scope", "cache.semantic.Partition"),
    ("Gateway.scopes", "Gateway.cancel_scopes"),
]
CANCEL_FACTORIES = {"CancelScope", "move_on_after", "move_on_at", "fail_after", "fail_at"}
CANCEL_ATTRS = {"cancel", "cancelled_caught", "cancel_called", "deadline", "shield"}


@dataclass(frozen=True, order=True)
class Edit:
    line: int  # 1-based
    col: int  # UTF-8 byte offset, as ast reports it
    old: str
    new: str


@dataclass
class Report:
    changed: dict[str, int] = field(default_factory=dict)
    moved: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)


# -- positions ------------------------------------------------------------------------


def attr_edit(node: ast.Attribute, new: str) -> Edit:
    # The attribute name is the node's last token: its end minus its length.
    assert node.end_lineno is not None and node.end_col_offset is not None
    return Edit(node.end_lineno, node.end_col_offset - len(node.attr), node.attr, new)


def def_edit(
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, lines: list[bytes], new: str
) -> Edit:
    keyword = b"class" if isinstance(node, ast.ClassDef) else b"def"
    line = lines[node.lineno - 1]
    m = re.compile(rb"\b" + keyword + rb"\s+(" + node.name.encode() + rb")\b").search(
        line, node.col_offset
    )
    assert m is not None, (node.lineno, node.name)
    return Edit(node.lineno, m.start(1), node.name, new)


# -- function scopes ----------------------------------------------------------------

FuncNode = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda


def walk_own(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes of ``node``'s body, not descending into nested functions or classes
    (their own names are decided separately)."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        child = stack.pop()
        yield child
        if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(child))
        elif not isinstance(child, ast.Lambda):
            # Decorators and defaults belong to the enclosing scope.
            stack.extend(getattr(child, "decorator_list", []))


def params(fn: FuncNode) -> list[ast.arg]:
    a = fn.args
    out = [*a.posonlyargs, *a.args, *a.kwonlyargs]
    out += [x for x in (a.vararg, a.kwarg) if x is not None]
    return out


def local_names(fn: FuncNode) -> set[str]:
    names = {p.arg for p in params(fn)}
    for node in walk_own(fn):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
    return names


def free_uses(fn: FuncNode, name: str) -> Iterator[ast.Name]:
    """Every ``Name`` ``name`` in ``fn``, nested functions included unless they bind it."""
    for node in walk_own(fn):
        if isinstance(node, ast.Name) and node.id == name:
            yield node
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            if name not in local_names(node):
                yield from free_uses(node, name)


def qualnames(tree: ast.AST) -> Iterator[tuple[str, FuncNode]]:
    def visit(node: ast.AST, prefix: str) -> Iterator[tuple[str, FuncNode]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                q = prefix + child.name
                yield q, child
                yield from visit(child, q + ".")
            elif isinstance(child, ast.ClassDef):
                yield from visit(child, prefix + child.name + ".")
            elif isinstance(child, ast.Lambda):
                yield prefix + "<lambda>", child
                yield from visit(child, prefix + "<lambda>.")
            else:
                yield from visit(child, prefix)

    yield from visit(tree, "")


def rename_local(fn: FuncNode, old: str, new: str) -> list[Edit]:
    edits = [Edit(p.lineno, p.col_offset, old, new) for p in params(fn) if p.arg == old]
    edits += [Edit(n.lineno, n.col_offset, old, new) for n in free_uses(fn, old)]
    return edits


def is_cancel_factory(expr: ast.AST) -> bool:
    if not isinstance(expr, ast.Call):
        return False
    f = expr.func
    name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
    return name in CANCEL_FACTORIES


def annotation_names(ann: ast.AST | None) -> set[str]:
    if ann is None:
        return set()
    return {
        n.attr if isinstance(n, ast.Attribute) else n.id
        for n in ast.walk(ann)
        if isinstance(n, (ast.Attribute, ast.Name))
    }


def scope_kind(fn: FuncNode) -> str | None:
    """What a local ``scope`` is in ``fn``: "cancel", "asgi", "both" or None."""
    if "scope" not in local_names(fn):
        return None
    cancel = asgi = False
    for p in params(fn):
        if p.arg == "scope":
            names = annotation_names(p.annotation)
            cancel |= "CancelScope" in names
            asgi |= "Scope" in names or not names
    for node in walk_own(fn):
        if isinstance(node, ast.withitem):
            target = node.optional_vars
            if isinstance(target, ast.Name) and target.id == "scope":
                cancel |= is_cancel_factory(node.context_expr)
                asgi |= not is_cancel_factory(node.context_expr)
        elif isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == "scope" for t in node.targets):
                if is_cancel_factory(node.value):
                    cancel = True
        elif isinstance(node, ast.For) and isinstance(node.target, ast.Name):
            if node.target.id == "scope":
                src = ast.unparse(node.iter)
                cancel |= src.endswith(("scopes", "running"))
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "scope":
                cancel |= node.attr in CANCEL_ATTRS
                asgi |= node.attr in ("get", "keys", "items")
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            asgi |= node.value.id == "scope"
    if cancel and asgi:
        return "both"
    return "cancel" if cancel else "asgi" if asgi else None


# -- one file -----------------------------------------------------------------------


def module_of(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def file_edits(
    path: Path, rel: str, module: str, tree: ast.Module, lines: list[bytes], report: Report
) -> list[Edit]:
    edits: list[Edit] = []
    # Symbols: the definition, the importers, module.attribute.
    for defining, old, new in SYMBOLS:
        imported_here = False
        module_aliases: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                for a in node.names:
                    if node.module == defining and a.name == old:
                        edits.append(Edit(a.lineno, a.col_offset, old, new))
                        imported_here |= a.asname is None
                    full = f"{node.module}.{a.name}"
                    if full == defining:
                        module_aliases.add(a.asname or a.name)
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name == defining and a.asname:
                        module_aliases.add(a.asname)
        if module == defining or imported_here:
            for node in ast.walk(tree):
                if isinstance(node, ast.Name) and node.id == old:
                    edits.append(Edit(node.lineno, node.col_offset, old, new))
                elif isinstance(node, ast.ClassDef) and node.name == old and module == defining:
                    edits.append(def_edit(node, lines, new))
                elif isinstance(node, ast.Constant) and node.value == old and module == defining:
                    # The name in ``__all__``.
                    edits.append(Edit(node.lineno, node.col_offset + 1, old, new))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == old
                and isinstance(node.value, ast.Name)
                and node.value.id in module_aliases
            ):
                edits.append(attr_edit(node, new))
    # Members: defs in classes, attributes, class-level fields.
    for old, new, files in MEMBERS:
        if rel not in files:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if (
                        isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                        and item.name == old
                    ):
                        edits.append(def_edit(item, lines, new))
                    elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                        if item.target.id == old:
                            t = item.target
                            edits.append(Edit(t.lineno, t.col_offset, old, new))
                    elif isinstance(item, ast.Expr) and isinstance(item.value, ast.Constant):
                        continue
            elif isinstance(node, ast.Attribute) and node.attr == old:
                edits.append(attr_edit(node, new))
    # Named locals.
    for file, old, new, only, leave in LOCALS:
        if rel != file:
            continue
        for q, fn in qualnames(tree):
            if (only is not None and q not in only) or q in leave:
                continue
            if old not in local_names(fn):
                continue
            if new in local_names(fn):
                report.skipped.append(f"{rel}:{fn.lineno} {q}: {new!r} is taken; {old!r} left")
                continue
            edits += rename_local(fn, old, new)
        if only is None and not leave:
            # Module-level uses (rare: a loop at import time).
            for node in walk_own(tree):
                if isinstance(node, ast.Name) and node.id == old:
                    edits.append(Edit(node.lineno, node.col_offset, old, new))
    # Cancel scopes held in a local ``scope``.
    for q, fn in qualnames(tree):
        kind = scope_kind(fn)
        if kind == "both":
            report.skipped.append(f"{rel}:{fn.lineno} {q}: 'scope' is ASGI and cancel scope")
        elif kind == "cancel":
            if "cancel_scope" in local_names(fn):
                report.skipped.append(f"{rel}:{fn.lineno} {q}: 'cancel_scope' is taken")
            else:
                edits += rename_local(fn, "scope", "cancel_scope")
    # Leftovers a person should look at.
    claimed = {f for old, _, files in MEMBERS if old == "begin" for f in files}
    if rel not in claimed:
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "begin":
                receiver = ast.unparse(node.value)
                if re.search(r"breaker|board|stream|translat", receiver, re.I):
                    report.leftovers.append(f"{rel}:{node.lineno} {receiver}.begin")
    # One edit per position: the first rule that claimed it wins (LOCALS before the
    # cancel-scope rule), a clash is reported.
    by_pos: dict[tuple[int, int], Edit] = {}
    for e in edits:
        first = by_pos.setdefault((e.line, e.col), e)
        if first.new != e.new:
            report.skipped.append(f"{rel}:{e.line} {e.old!r}: {first.new!r} kept, not {e.new!r}")
    scope_files = {f for old, _, files in MEMBERS if old == "scope" for f in files}
    if rel not in scope_files:
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in CANCEL_ATTRS
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "scope"
            ):
                report.leftovers.append(f"{rel}:{node.lineno} {ast.unparse(node)}")
    return sorted(by_pos.values())


def apply(lines: list[bytes], edits: Iterable[Edit], rel: str) -> list[bytes]:
    out = list(lines)
    for e in sorted(edits, reverse=True):
        line = out[e.line - 1]
        old, new = e.old.encode(), e.new.encode()
        if line[e.col : e.col + len(old)] != old:
            raise SystemExit(
                f"{rel}:{e.line}:{e.col}: expected {e.old!r}, found {line[e.col : e.col + 20]!r}"
            )
        out[e.line - 1] = line[: e.col] + new + line[e.col + len(old) :]
    return out


# -- the tree -----------------------------------------------------------------------


def git_mv(root: Path, src: str, dst: str, check: bool, report: Report) -> None:
    if not (root / src).exists() or (root / dst).exists():
        return
    report.moved.append((src, dst))
    if check:
        return
    done = subprocess.run(["git", "mv", src, dst], cwd=root, capture_output=True)
    if done.returncode != 0:
        (root / src).rename(root / dst)


def python_files(root: Path) -> Iterator[Path]:
    for d in PY_DIRS:
        yield from sorted(p for p in (root / d).rglob("*.py") if "__pycache__" not in p.parts)


def run(root: Path, check: bool) -> Report:
    report = Report()
    for old, new in MODULES:
        src = old.replace(".", "/") + ".py"
        git_mv(root, src, new.replace(".", "/") + ".py", check, report)
    for src, dst in TEST_MOVES:
        git_mv(root, src, dst, check, report)
    module_words = [(re.compile(rf"\b{re.escape(o)}\b"), n) for o, n in MODULES]
    for path in python_files(root):
        rel = path.relative_to(root).as_posix()
        if rel == "tools/rename_terms.py":
            continue
        text = path.read_text()
        moved = text
        for pattern, new in module_words:
            moved = pattern.sub(new, moved)
        for file, old_text, new_text in PY_TEXT:
            if rel == file:
                moved = moved.replace(old_text, new_text)
        tree = ast.parse(moved, rel)
        lines = moved.encode().splitlines(keepends=True)
        module = module_of(path, root)
        for old, new in MODULES:
            if module == old:
                module = new
        edits = file_edits(path, rel, module, tree, lines, report)
        result = b"".join(apply(lines, edits, rel)).decode()
        if result != text:
            ast.parse(result, rel)  # still Python
            report.changed[rel] = len(edits) + (moved != text)
            if not check:
                path.write_text(result)
    md: list[Path] = []
    for name in MD_FILES:
        p = root / name
        md += sorted(p.rglob("*.md")) if p.is_dir() else [p] if p.exists() else []
    for path in md:
        text = path.read_text()
        new_text = text
        for old, new in TEXT:
            new_text = re.sub(rf"(?<![\w.]){re.escape(old)}\b", new, new_text)
        if new_text != text:
            report.changed[path.relative_to(root).as_posix()] = 1
            if not check:
                path.write_text(new_text)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", nargs="?", default=".", type=Path)
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if a run would"
    )
    args = parser.parse_args(argv)
    root = args.root.resolve()
    report = run(root, args.check)
    changed_py = [rel for rel in report.changed if rel.endswith(".py")]
    if changed_py and not args.check:
        # A renamed import may sort elsewhere, a longer name push a line past the
        # limit: let ruff re-sort the imports and re-wrap the lines it touched.
        ruff = [sys.executable, "-m", "ruff"]
        sort = subprocess.run(
            [*ruff, "check", "-q", "--fix", "--select", "I", *changed_py], cwd=root
        )
        done = subprocess.run([*ruff, "format", "-q", *changed_py], cwd=root)
        if sort.returncode != 0 or done.returncode != 0:
            print("ruff failed: run `ruff check --fix --select I` and `ruff format` by hand")
    verb = "would change" if args.check else "changed"
    for src, dst in report.moved:
        print(f"move {src} -> {dst}")
    for rel, n in sorted(report.changed.items()):
        print(f"{verb} {rel} ({n} edits)")
    for line in report.skipped:
        print(f"skipped {line}")
    for line in report.leftovers:
        print(f"check by hand: {line}")
    print(f"{len(report.changed)} files {verb}, {len(report.moved)} moved")
    return 1 if args.check and (report.changed or report.moved) else 0


if __name__ == "__main__":
    sys.exit(main())
