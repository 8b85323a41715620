"""What the README says about the app holds: its middleware chain, its mounted
surfaces, its example config, its mirrored tests/ tree."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from routeiq.config import RouteIQSettings, load_config
from routeiq.dispatch import Dispatcher
from routeiq.testing import build_gateway, config_dict

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
#: The README's word for each layer of the app, outermost first.
WORDS = {
    "RequestIdMiddleware": "request_id",
    "Console": "console",
    "AuthMiddleware": "auth",
    "BodyGate": "body gate",
    "PolicyMiddleware": "policy",
    "BackpressureMiddleware": "backpressure/drain",
    "Dispatcher": "Dispatcher",
}


def layers(app: Any) -> list[str]:
    out = []
    while True:
        out.append(WORDS.get(type(app).__name__, type(app).__name__))
        if isinstance(app, Dispatcher):
            return out
        app = getattr(app, "app", None) or app.inner


def test_the_readme_middleware_chain_is_the_apps() -> None:
    documented = re.search(r"`(request_id -> [^`]+)`", README)
    assert documented is not None, "the README lost its middleware chain"
    app, _ = build_gateway(load_config(config_dict("http://127.0.0.1:9/v1")))
    assert layers(app) == documented[1].split(" -> ")


def test_the_readme_names_every_mounted_surface() -> None:
    from routeiq.app import _mounts

    _, gw = build_gateway(load_config(config_dict("http://127.0.0.1:9/v1")))
    names = {m.name for m in _mounts(gw, Dispatcher(gw, {}, [], gw))}  # type: ignore[arg-type]
    sentence = re.search(r"mounted surfaces \(([^)]+)\)", README)
    assert sentence is not None, "the README lost its list of mounted surfaces"
    documented = {w.strip(" `\n") for w in sentence[1].split(",")}
    # learned: mounted only when a learned route is configured (not in this config).
    assert documented == names | {"learned"}


def test_the_example_config_has_every_section_and_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    path = ROOT / "examples" / "config.yaml"
    document = yaml.safe_load(path.read_text())
    missing = [k for k in RouteIQSettings.model_fields if k not in document["routeiq"]]
    assert missing == [], f"examples/config.yaml lacks routeiq sections: {missing}"
    for name in ("ROUTEIQ_MASTER_KEY", "OPENAI_API_KEY", "AZURE_API_KEY", "TEAM_A_KEY"):
        monkeypatch.setenv(name, "sk-example-" + name.lower())
    config = load_config(document)
    assert config.routeiq.cache.max_pending_stores == 256


def test_every_test_folder_mirrors_a_package_or_is_listed() -> None:
    """tests/<x>/ tests routeiq/<x>/; e2e and deploy by design; the folders still to be
    dissolved are exactly tools/mirror_tests.py's sources."""
    spec = importlib.util.spec_from_file_location("mirror_tests", ROOT / "tools/mirror_tests.py")
    assert spec is not None and spec.loader is not None
    mirror = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mirror)
    pending = {str(Path(old).parent) for old in mirror.MOVES if (ROOT / old).exists()}
    assert set(mirror.unmirrored(ROOT)) == pending
