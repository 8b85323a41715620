"""The I/O-free parts of the console: SVG plots, HTML escaping, key search and paging."""

from __future__ import annotations

import re

from routeiq.console import html
from routeiq.console.pages.keys import select_keys
from routeiq.console.svg import bar, hbars, line_chart
from routeiq.governance.records import principal


def test_line_chart_scales_to_the_top_and_breaks_at_gaps() -> None:
    svg = line_chart(
        "Latency",
        [("p50", [1.0, 2.0, None, 4.0]), ("p99", [None, None, None, None])],
        ["10:00", "10:03"],
        " s",
    )
    paths = re.findall(r'<path class="s(\d)" d="([^"]*)"', svg)
    assert [k for k, _ in paths] == ["0", "1"]
    d0 = paths[0][1]
    assert d0.count("M") == 2  # two runs: before and after the gap
    assert d0.endswith("l3,0")  # the lone last point is a tick
    assert paths[1][1] == ""  # nothing to draw
    ys = [float(y) for y in re.findall(r"[ML][\d.]+,([\d.]+)", d0)]
    assert min(ys) == 10.0  # the top value touches the top margin
    assert ">4.00 s<" in svg and "10:00" in svg and "10:03" in svg


def test_bars_show_spend_against_budget() -> None:
    assert "no budget" in bar(3.0, None)
    assert 'class=fill width="50.0"' in bar(5.0, 10.0)
    assert 'class=warn width="90.0"' in bar(9.0, 10.0)
    assert 'class=over width="100.0"' in bar(12.0, 10.0)
    h = hbars([("a", 2.0), ("<b>", 1.0)])
    assert 'width="100.0"' in h and 'width="50.0"' in h and "&lt;b&gt;" in h


def test_everything_rendered_is_escaped() -> None:
    t = html.table(("A",), [(html.esc("<script>alert(1)</script>"),)])
    assert "<script>" not in t and "&lt;script&gt;" in t
    assert html.url("/keys", q="a&b=c", team="") == "/ui/keys?q=a%26b%3Dc"
    f = html.form("/x", 'to"k', html.field("n", "N", '"><img src=x>'))
    assert '"><img' not in f and 'value="to&quot;k"' in f


def test_key_search_pages_newest_first() -> None:
    keys = [
        principal(
            "key",
            f"{i:064x}",
            {"key_alias": f"k{i:03d}", "team_id": f"t{i % 3}", "created_at": 1000.0 + i},
        )
        for i in range(100)
    ]
    page, total = select_keys(keys, "", "", 1, 25)
    assert total == 100 and [p.alias for p in page[:2]] == ["k099", "k098"]
    page, total = select_keys(keys, "", "t1", 2, 10)
    assert total == 33 and page[0].alias == "k067"
    page, total = select_keys(keys, "k04", "", 1, 25)
    assert total == 10 and {p.alias for p in page} == {f"k04{i}" for i in range(10)}
    page, total = select_keys(keys, "", "", 99, 25)  # past the end: the last page
    assert total == 100 and page[-1].alias == "k000"
    assert select_keys(keys, "nothing", "", 1, 25) == ([], 0)


def test_block_plots_one_per_guard_a_line_per_reason() -> None:
    from routeiq.console.pages.guardrails import LINES_PER_PLOT, plots
    from routeiq.db.blocks import BlockSeries

    lines = [BlockSeries("pii", f"R{k}", 2, [1, 1]) for k in range(LINES_PER_PLOT + 2)]
    lines.append(BlockSeries("policy", "no-<b>", 3, [0, 3]))
    out = plots(lines, ["10:00", "10:05"], "5 min")
    figures = re.findall(r'aria-label="([^"]+)"', out)
    assert figures == ["pii: blocks per 5 min", "policy: blocks per 5 min"]
    pii = out.split("</figure>")[0]
    names = re.findall(r"<title>([^<]*)</title>", pii)
    assert names == [f"R{k}" for k in range(LINES_PER_PLOT)] + ["other reasons"]
    assert ">2.00<" in pii  # the other line adds up the two left over (1 + 1 per bucket)
    assert "no-&lt;b&gt;" in out and "no-<b>" not in out
    assert plots([], [], "5 min") == ""
