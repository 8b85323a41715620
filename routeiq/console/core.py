"""What every console page handler gets: the gateway's parts and the request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from routeiq.console.admin_client import AdminClient
from routeiq.console.http import Request
from routeiq.console.session import Session

if TYPE_CHECKING:
    from routeiq.gateway import Gateway


@dataclass(slots=True)
class Ctx:
    gw: Gateway
    admin: AdminClient
    req: Request
    session: Session
    page_size: int

    @property
    def csrf(self) -> str:
        return self.session.csrf

    def page_arg(self) -> int:
        try:
            return max(1, min(1_000_000, int(self.req.arg("page", "1"))))
        except ValueError:
            return 1


@dataclass(frozen=True, slots=True)
class Page:
    """A rendered page: title, nav entry, body HTML."""

    title: str
    nav: str
    body: str


@dataclass(frozen=True, slots=True)
class Done:
    """A change's outcome: where to go next and what to say there."""

    location: str
    message: str


@dataclass(frozen=True, slots=True)
class Download:
    filename: str
    ctype: bytes
    body: bytes


Result = Page | Done | Download


class UserError(Exception):
    """Bad form input: shown to the operator as a 400 page."""


def form_int(form: dict[str, str], name: str) -> int | None:
    raw = form.get(name, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise UserError(f"{name} must be a whole number") from None


def form_float(form: dict[str, str], name: str) -> float | None:
    raw = form.get(name, "").strip()
    if not raw:
        return None
    try:
        v = float(raw)
    except ValueError:
        raise UserError(f"{name} must be a number") from None
    if v != v or v in (float("inf"), float("-inf")):
        raise UserError(f"{name} must be a finite number")
    return v


def form_list(form: dict[str, str], name: str) -> list[str] | None:
    raw = form.get(name, "").strip()
    if not raw:
        return None
    return [p.strip() for p in raw.replace("\n", ",").split(",") if p.strip()]


def compact(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}
