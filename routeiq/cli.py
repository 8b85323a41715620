"""Command line: ``routeiq serve | mock-upstream | config check``."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
from functools import partial
from typing import TYPE_CHECKING

from routeiq import stopsignal

if TYPE_CHECKING:
    from routeiq.config import Config

DEMO_KEY = "sk-routeiq-demo"
ALLOW_HELP = "start even with LiteLLM settings that weaken security if ignored (logged)"


def _banner(url: str, config: Config, key: str | None) -> None:
    model = next(iter(config.groups), "gpt-4o-mini")
    auth = f' \\\n    -H "Authorization: Bearer {key}"' if key else ""
    print(
        f"""
RouteIQ gateway listening on {url}  (config: {config.source})
models: {", ".join(config.groups)}

curl:
  curl {url}/v1/chat/completions{auth} \\
    -H "Content-Type: application/json" \\
    -d '{{"model": "{model}", "messages": [{{"role": "user", "content": "Hello!"}}]}}'

openai SDK (Python):
  from openai import OpenAI
  client = OpenAI(base_url="{url}/v1", api_key="{key or "unused"}")
  print(client.chat.completions.create(model="{model}",
        messages=[{{"role": "user", "content": "Hello!"}}]).choices[0].message.content)
""",
        flush=True,
    )


def _serve(args: argparse.Namespace) -> int:
    import trio

    from routeiq.config import load_config_file
    from routeiq.deployment import ConfigError
    from routeiq.server import bind_socket, run_gateway, supervise

    config: Config | None = None
    if args.config:
        try:
            config = load_config_file(args.config, allow_unsupported=args.allow_unsupported or None)
        except ConfigError as exc:
            print(f"routeiq: invalid configuration in {args.config}:", file=sys.stderr)
            for path, msg in exc.problems:
                print(f"  {path}: {msg}", file=sys.stderr)
            if any(path == "unsupported" for path, _ in exc.problems):
                print("  (--allow-unsupported starts without them)", file=sys.stderr)
            return 2
        for line in config.warnings:
            logging.getLogger("routeiq.config").warning("%s", line)
    demo = args.demo or config is None
    # The banner shows the demo key; a real master key is never printed (stdout is logged).
    key = DEMO_KEY if demo else ("$MASTER_KEY" if config and config.master_key else None)
    if config is not None:  # the key database: reachable, and not from a newer gateway
        from routeiq.governance.wiring import preflight

        problem = preflight(config)
        if problem:
            print(f"routeiq: {problem}", file=sys.stderr)
            return 2
    if args.fd is not None:
        sock = socket.socket(fileno=args.fd)
        sock.setblocking(False)
    else:
        try:
            sock = bind_socket(args.host, args.port)
        except OSError as exc:
            print(
                f"routeiq: cannot listen on {args.host}:{args.port}: {exc.strerror}",
                file=sys.stderr,
            )
            return 2
    if args.workers > 1 and args.fd is None:
        from routeiq.server import url_of

        print(f"routeiq: {args.workers} workers on {url_of(sock)}", flush=True)
        from routeiq.state import StateSettings, per_process_warning

        warning = per_process_warning(
            config.routeiq.state if config else StateSettings(), args.workers
        )
        if warning:
            logging.getLogger("routeiq").warning("%s", warning)
        argv = (
            ["serve"]
            + (["--config", args.config] if args.config else [])
            + (["--demo"] if args.demo else [])
            + (["--allow-unsupported"] if args.allow_unsupported else [])
            + ["--log-format", args.log_format]
        )
        return supervise(argv, sock, args.workers)

    def on_ready(url: str, cfg: Config) -> None:
        if args.quiet:
            print(f"routeiq: listening on {url}", flush=True)
        else:
            _banner(url, cfg, key)

    trio.run(
        partial(
            run_gateway,
            config,
            sock,
            demo=demo,
            master_key=key if demo else None,
            on_ready=on_ready,
        )
    )
    return 0


def _mock(args: argparse.Namespace) -> int:
    import trio

    from routeiq.mock_upstream import MockSettings, MockUpstream
    from routeiq.server import bind_socket, serve_app, url_of, wait_for_signal

    settings = MockSettings(
        latency=args.latency,
        ttft=args.ttft,
        chunks=args.chunks,
        chunk_gap=args.chunk_gap,
        error_rate=args.error_rate,
        timeout_rate=args.timeout_rate,
        reset_rate=args.reset_rate,
        seed=args.seed,
    )
    sock = bind_socket(args.host, args.port)
    print(f"mock upstream listening on {url_of(sock)}/v1", flush=True)
    trio.run(partial(serve_app, MockUpstream(settings), sock, shutdown_trigger=wait_for_signal))
    return 0


def _check(args: argparse.Namespace) -> int:
    from routeiq.config import load_config_file
    from routeiq.deployment import ConfigError

    try:
        config = load_config_file(args.file, allow_unsupported=args.allow_unsupported or None)
    except ConfigError as exc:
        for path, msg in exc.problems:
            print(f"{path}: {msg}")
        for line in exc.warnings:
            print(f"warning: {line}")
        print(f"{len(exc.problems)} error(s) in {args.file}", file=sys.stderr)
        return 1
    for line in config.warnings:
        print(f"warning: {line}")
    n_dep, n_grp = len(config.deployments), len(config.groups)
    print(f"{args.file}: OK ({n_dep} deployments in {n_grp} model groups)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="routeiq", description="RouteIQ-Trio AI gateway")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="run the gateway")
    s.add_argument("--config", help="YAML config (LiteLLM-compatible); none = the embedded demo")
    s.add_argument("--demo", action="store_true", help="serve the built-in mock upstream's models")
    # The defaults can come from the environment (the container image sets them; its
    # health check reads ROUTEIQ_PORT too).
    s.add_argument("--host", default=os.environ.get("ROUTEIQ_HOST", "127.0.0.1"))
    s.add_argument("--port", type=int, default=int(os.environ.get("ROUTEIQ_PORT", "4000")))
    s.add_argument("--workers", type=int, default=int(os.environ.get("ROUTEIQ_WORKERS", "1")))
    s.add_argument("--fd", type=int, default=None, help=argparse.SUPPRESS)
    s.add_argument("--quiet", action="store_true", help="no start-up banner")
    s.add_argument("--allow-unsupported", action="store_true", help=ALLOW_HELP)
    s.add_argument(
        "--log-format",
        choices=("text", "json"),
        default=os.environ.get("ROUTEIQ_LOG_FORMAT", "text"),
        help="log lines as text or JSON (each with its request id and trace id)",
    )
    s.set_defaults(func=_serve)
    m = sub.add_parser("mock-upstream", help="run the mock OpenAI-compatible upstream")
    m.add_argument("--host", default="127.0.0.1")
    m.add_argument("--port", type=int, default=0)
    m.add_argument("--latency", type=float, default=0.0)
    m.add_argument("--ttft", type=float, default=0.0)
    m.add_argument("--chunks", type=int, default=8)
    m.add_argument("--chunk-gap", type=float, default=0.0)
    m.add_argument("--error-rate", type=float, default=0.0)
    m.add_argument("--timeout-rate", type=float, default=0.0)
    m.add_argument("--reset-rate", type=float, default=0.0)
    m.add_argument("--seed", type=int, default=None)
    m.set_defaults(func=_mock)
    c = sub.add_parser("config", help="configuration tools")
    csub = c.add_subparsers(dest="config_command", required=True)
    cc = csub.add_parser("check", help="validate a config file and report every error")
    cc.add_argument("file")
    cc.add_argument("--allow-unsupported", action="store_true", help=ALLOW_HELP)
    cc.set_defaults(func=_check)
    from routeiq.governance.keys_cli import add_parser as add_keys_parser

    add_keys_parser(sub)  # routeiq keys create|list|info|delete
    from routeiq.learned.cli import add_parser as add_router_parser

    add_router_parser(sub)  # routeiq router train|eval (routeiq.learned)
    return p


def main(argv: list[str] | None = None) -> int:
    from routeiq.logs import setup_logging

    args = build_parser().parse_args(argv)
    if args.command in ("serve", "mock-upstream"):
        stopsignal.catch_early()  # before the heavy imports: a stop while starting is clean
    if args.command == "serve":
        # A SIGHUP (reload) before the gateway listens for it must not kill the process.
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    setup_logging(getattr(args, "log_format", "text"), os.environ.get("ROUTEIQ_LOG_LEVEL", "INFO"))
    # httpx logs every request at INFO: far too costly on the hot path.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    if os.environ.get("ROUTEIQ_TRACEMALLOC") == "1":
        import tracemalloc

        tracemalloc.start(8)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
