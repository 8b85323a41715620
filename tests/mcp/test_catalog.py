"""The catalog (I/O-free): namespacing, versions, O(page) cursors, stale cursors, schemas."""

from __future__ import annotations

from typing import Any

import pytest

from routeiq.mcp.catalog import Catalog, Listing, StaleCursor, decode_cursor, encode_cursor


def tools(*names: str, schema: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return [
        {"name": n, "inputSchema": schema or {"type": "object"}, "description": n} for n in names
    ]


def all_pages(cat: Catalog, limit: int) -> tuple[list[str], list[int]]:
    names: list[str] = []
    sizes: list[int] = []
    cursor = None
    while True:
        items, cursor = cat.page("tools", cursor, limit)
        names += [t["name"] for t in items]
        sizes.append(len(items))
        if cursor is None:
            return names, sizes


def test_namespacing_keeps_colliding_names_apart() -> None:
    cat = Catalog()
    cat.set_server("a", Listing(tools=tools("add", "echo")))
    cat.set_server("b", Listing(tools=tools("add")))
    names, sizes = all_pages(cat, 2)
    assert names == ["a__add", "a__echo", "b__add"]
    assert sizes == [2, 1]
    entry = cat.tool("b__add")
    assert entry is not None
    assert (entry.server, entry.upstream_name, entry.definition["name"]) == ("b", "add", "b__add")
    assert entry.definition["description"] == "add"


def test_version_changes_only_on_set_and_remove() -> None:
    cat = Catalog()
    assert cat.version == 0
    cat.set_server("a", Listing(tools=tools("x")))
    assert cat.version == 1
    for _ in range(3):
        cat.page("tools", None, 10)
        cat.tool("a__x")
    assert cat.version == 1
    cat.set_server("a", Listing(tools=tools("x", "y")))
    assert cat.version == 2
    assert cat.remove_server("a") is True
    assert cat.version == 3
    assert cat.remove_server("a") is False
    assert cat.version == 3
    assert cat.page("tools", None, 10) == ([], None)
    assert cat.tool("a__x") is None


def test_stale_cursor_refused_with_versions_named() -> None:
    cat = Catalog()
    cat.set_server("a", Listing(tools=tools(*[f"t{i}" for i in range(5)])))
    _, cursor = cat.page("tools", None, 2)
    assert cursor is not None
    cat.set_server("b", Listing(tools=tools("z")))
    with pytest.raises(StaleCursor, match=r"from catalog version 1, .* \(now version 2\)"):
        cat.page("tools", cursor, 2)


@pytest.mark.parametrize("cursor", ["garbage!", "", "bm9wZQ", encode_cursor(1, "prompts", 0)])
def test_foreign_cursors_refused(cursor: str) -> None:
    cat = Catalog()
    cat.set_server("a", Listing(tools=tools("x")))
    with pytest.raises(StaleCursor):
        cat.page("tools", cursor, 2)


def test_cursor_round_trip() -> None:
    assert decode_cursor(encode_cursor(7, "tools", 300), 7, "tools") == 300


def test_disabled_tools_are_not_listed() -> None:
    cat = Catalog()
    cat.set_server("a", Listing(tools=tools("keep", "drop")), disabled_tools={"drop"})
    assert all_pages(cat, 10)[0] == ["a__keep"]
    assert cat.tool("a__drop") is None


def test_prompts_and_resources() -> None:
    cat = Catalog()
    cat.set_server("a", Listing(prompts=[{"name": "p"}], resources=[{"uri": "x://1"}]))
    cat.set_server("b", Listing(resources=[{"uri": "x://1"}, {"uri": "x://2"}]))
    assert cat.page("prompts", None, 10) == ([{"name": "a__p"}], None)
    assert cat.page("resources", None, 10) == ([{"uri": "x://1"}, {"uri": "x://2"}], None)
    assert cat.resource_server("x://1") == "a"  # first registered owns a shared URI
    cat.remove_server("a")
    assert cat.resource_server("x://1") == "b"
    assert cat.page("resources", None, 10) == ([{"uri": "x://1"}, {"uri": "x://2"}], None)


def test_argument_errors_against_input_schema() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
        "required": ["a", "b"],
    }
    cat = Catalog()
    cat.set_server("m", Listing(tools=tools("add", schema=schema)))
    entry = cat.tool("m__add")
    assert entry is not None
    assert cat.argument_errors(entry, {"a": 1, "b": 2}) == []
    assert cat.argument_errors(entry, {"a": "x"}) == [
        "a: 'x' is not of type 'integer'",
        "(arguments): 'b' is a required property",
    ]


def test_broken_upstream_schema_is_not_enforced() -> None:
    cat = Catalog()
    cat.set_server("m", Listing(tools=tools("odd", schema={"type": "no-such-type"})))
    entry = cat.tool("m__odd")
    assert entry is not None
    assert cat.argument_errors(entry, {"anything": 1}) == []


def test_page_cost_is_independent_of_catalog_size() -> None:
    # Counting work instead of timing: a page touches only its own slice.
    cat = Catalog()
    for s in range(200):
        cat.set_server(f"s{s}", Listing(tools=tools(*[f"t{i}" for i in range(50)])))
    items, cursor = cat.page("tools", None, 100)
    assert len(items) == 100
    assert cursor is not None
    assert decode_cursor(cursor, cat.version, "tools") == 100
    items, _ = cat.page("tools", encode_cursor(cat.version, "tools", 9_950), 100)
    assert [t["name"] for t in items][:2] == ["s199__t0", "s199__t1"]
    assert len(items) == 50


def test_spelled_out_protocol_versions_match_the_sdk() -> None:
    from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS, LATEST_HANDSHAKE_VERSION

    from routeiq.mcp import gateway

    assert gateway.HANDSHAKE_VERSIONS == HANDSHAKE_PROTOCOL_VERSIONS
    assert gateway.LATEST_HANDSHAKE_VERSION == LATEST_HANDSHAKE_VERSION


def test_uri_templates_level_1_to_3() -> None:
    from routeiq.mcp.uritemplate import compile_template, matches

    one = compile_template("note://alpha/items/{item}")
    assert matches(one, "note://alpha/items/42")
    assert matches(one, "note://alpha/items/a%2Fb")
    assert not matches(one, "note://alpha/items/4/2")
    assert not matches(one, "note://alpha/items/")
    assert not matches(one, "note://alpha/items/42/extra")
    plus = compile_template("file:///{+path}")
    assert matches(plus, "file:///a/b/c.txt")
    query = compile_template("search://q{?term,limit}")
    assert matches(query, "search://q") and matches(query, "search://q?term=x&limit=2")
    assert compile_template("bad://{a b}") is None
    assert not matches(None, "anything")


def test_templates_paged_and_reads_routed_by_template() -> None:
    from routeiq.mcp.catalog import Catalog, Listing

    cat = Catalog()
    cat.set_server("a", Listing(templates=[{"uriTemplate": "note://a/{id}", "name": "a"}]))
    cat.set_server(
        "b",
        Listing(
            resources=[{"uri": "note://a/fixed", "name": "fixed"}],
            templates=[
                {"uriTemplate": "note://a/{id}", "name": "dup"},
                {"uriTemplate": "note://b/{id}", "name": "b"},
            ],
        ),
    )
    page, nxt = cat.page("templates", None, 1)
    assert page == [{"uriTemplate": "note://a/{id}", "name": "a"}] and nxt is not None
    rest, end = cat.page("templates", nxt, 10)
    assert [t["name"] for t in rest] == ["b"] and end is None
    assert cat.resource_server("note://a/1") == "a"  # registered first
    assert cat.resource_server("note://a/fixed") == "b"  # a listed resource wins
    assert cat.resource_server("note://b/1") == "b"
    assert cat.resource_server("note://c/1") is None
    cat.remove_server("a")
    assert cat.resource_server("note://a/1") == "b"
