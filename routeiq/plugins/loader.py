"""Import plugin classes named ``"package.module:Class"`` (at config load).

Errors are ``ValueError`` with a message that says what went wrong; the
config loader puts them under the plugin's key path
(``routeiq.plugins[2].path: ...``), so a typo fails at start-up, not at the
first request.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

from pydantic import BaseModel, ValidationError

from routeiq.plugins.base import HOOKS, implemented_hooks

_PATH = re.compile(r"^[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")


def import_class(path: str) -> type:
    """The class at ``path`` (``module:Qualified.Name``); ValueError otherwise."""
    if not _PATH.match(path):
        raise ValueError("must look like 'package.module:ClassName'")
    module_name, _, attr = path.partition(":")
    try:
        obj: Any = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        raise ValueError(f"cannot import module {module_name!r}: {exc}") from None
    except Exception as exc:  # a third-party module broke while importing
        raise ValueError(
            f"importing module {module_name!r} failed: {type(exc).__name__}: {exc}"
        ) from None
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ValueError(f"module {module_name!r} has no attribute {attr!r}") from None
    if not isinstance(obj, type):
        raise ValueError(f"{path!r} is not a class")
    if not implemented_hooks(obj):
        raise ValueError(f"{path!r} defines none of the plugin hooks {', '.join(HOOKS)}")
    return obj


def validate_settings(cls: type, settings: dict[str, Any]) -> Any:
    """``settings`` validated by ``cls.Settings`` when the class declares one.

    A ValueError's message lists each problem with its path inside
    ``settings`` (e.g. ``settings.limit: Input should be a valid integer``).
    """
    model = getattr(cls, "Settings", None)
    if model is None:
        return settings
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise ValueError(f"{cls.__name__}.Settings must be a pydantic model")
    try:
        return model.model_validate(settings)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            problems.append(f"settings.{where}: {err['msg']}" if where else err["msg"])
        raise ValueError("; ".join(problems)) from None
