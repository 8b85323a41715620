"""The console in a real headless Chromium (Debian's ``chromium`` + ``chromium-driver``,
driven by selenium) against real gateway, mock-upstream and MCP server processes.

One operator session: sign in, create a key (shown once), use it with the ``openai``
client, see its spend, block it and watch the client get 401, flush the cache,
register an MCP server (SSRF verdict shown). No browser console errors on any page;
screenshots of every page at 1280x800 and at a phone's width go to tests/artifacts/
(git-ignored; the test writes them on every run).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
import yaml

from tests.conftest import MASTER_KEY, config_dict

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PAGES = ("", "keys", "spend", "models", "guardrails", "cache", "agents", "routing")
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

if not (os.path.exists(CHROMEDRIVER) and os.path.exists(CHROMIUM)):
    # `make test` installs both (Debian packages chromium, chromium-driver): a missing
    # browser is a broken machine, not a reason to pass quietly.
    raise RuntimeError("the browser tests need Debian's chromium and chromium-driver")


def _spawn(args: list[str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    out = log.open("wb")
    proc = subprocess.Popen(
        args, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "ROUTEIQ_LOG_LEVEL": "INFO"}
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        m = re.search(rb"listening on (http://\S+)", log.read_bytes())
        if m:
            return proc, m.group(1).decode()
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{args} did not start: {log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("console-browser")
    py = sys.executable
    procs = []
    try:
        cli = [py, "-m", "routeiq.cli"]
        mock, base = _spawn([*cli, "mock-upstream", "--port", "0"], tmp / "mock.log")
        procs.append(mock)
        mcp, mcp_url = _spawn([py, "-m", "tests.console.mcp_process"], tmp / "mcp.log")
        procs.append(mcp)
        cfg = config_dict(
            base,
            governance={"data_dir": str(tmp / "data")},
            mcp={"enabled": True},
            a2a={"enabled": True},
            ssrf={"allow_networks": ["127.0.0.0/8"]},
            cache={"enabled": True},
        )
        for entry in cfg["model_list"]:
            entry["litellm_params"]["input_cost_per_token"] = 0.001
            entry["litellm_params"]["output_cost_per_token"] = 0.002
        path = tmp / "gateway.yaml"
        path.write_text(yaml.safe_dump(cfg))
        gw_log = tmp / "gateway.log"
        gw, url = _spawn([*cli, "serve", "--config", str(path), "--port", "0"], gw_log)
        procs.append(gw)
        yield {"url": url, "mcp": mcp_url, "log": gw_log}
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,800",
    ):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _errors(driver: Any) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def _wait(cond: Callable[[], bool], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def _page_text(driver: Any) -> str:
    return str(driver.find_element(By.TAG_NAME, "body").text)[:500]


def _submit_confirmed(driver: Any, button: Any) -> None:
    """Click a button that asks for confirmation (console.js), and accept."""
    button.click()
    try:
        driver.switch_to.alert.accept()
    except NoAlertPresentException:
        raise AssertionError("the confirmation dialog did not appear") from None


def _flash(driver: Any) -> str:
    found = driver.find_elements(By.CSS_SELECTOR, "p.flash")
    return str(found[0].text) if found else ""


def test_operator_session_in_chromium(servers: dict[str, Any], browser: Any) -> None:
    url, d = servers["url"], browser
    ui = f"{url}/ui"
    ARTIFACTS.mkdir(exist_ok=True)

    # -- sign in ------------------------------------------------------------------------
    d.get(f"{ui}/keys")
    assert d.current_url.endswith("/ui/signin")
    d.find_element(By.NAME, "key").send_keys(MASTER_KEY)
    d.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    _wait(lambda: d.current_url.rstrip("/").endswith("/ui"), f"the overview: {_page_text(d)}")
    cookie = d.get_cookie("riq_console")
    assert cookie is not None and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert MASTER_KEY not in d.current_url

    # -- create a key: shown once, copy button -----------------------------------------
    d.get(f"{ui}/keys")
    form = d.find_element(By.CSS_SELECTOR, "form[action='/ui/keys/create']")
    form.find_element(By.NAME, "key_alias").send_keys("browser-key")
    form.find_element(By.NAME, "max_budget").send_keys("10")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    _wait(lambda: bool(d.find_elements(By.ID, "new-key")), "the new key")
    secret = d.find_element(By.ID, "new-key").get_attribute("value")
    assert secret.startswith("sk-") and secret not in d.current_url
    d.save_screenshot(str(ARTIFACTS / "console-key-created.png"))
    copy = d.find_element(By.CSS_SELECTOR, "button.copy")
    copy.click()
    _wait(lambda: copy.text == "Copied", "the copy button")

    # -- use it with the openai client; its spend appears ------------------------------
    client = openai.OpenAI(base_url=f"{url}/v1", api_key=secret, max_retries=0, timeout=30)
    for i in range(3):
        r = client.chat.completions.create(
            model="gpt-test", messages=[{"role": "user", "content": f"hello console {i}"}]
        )
        assert r.choices[0].message.content

    def spend_shown() -> bool:
        d.get(f"{ui}/spend?by=key")
        rows = d.find_elements(By.XPATH, "//td[contains(., 'browser-key')]/..")
        return bool(rows) and "$0.0000" not in rows[0].text and " 3 " in f" {rows[0].text} "

    _wait(spend_shown, "the key's spend on the spend page")
    d.get(f"{ui}/keys?q=browser-key")
    row = d.find_element(By.XPATH, "//td[contains(., 'browser-key')]/..")
    assert "$0.0000 /" not in row.text  # spend against the 10 USD budget is not zero

    # -- block it: the client gets 401 -------------------------------------------------
    row.find_element(By.CSS_SELECTOR, "form[action='/ui/keys/block'] button").click()
    _wait(lambda: "Key blocked" in _flash(d), "the block to be confirmed")
    with pytest.raises(openai.AuthenticationError) as refused:
        client.chat.completions.create(
            model="gpt-test", messages=[{"role": "user", "content": "am I still in?"}]
        )
    assert refused.value.status_code == 401

    # -- flush the cache -----------------------------------------------------------------
    d.get(f"{ui}/cache")
    flush = d.find_element(By.CSS_SELECTOR, "form[action='/ui/cache/flush'] button")
    _submit_confirmed(d, flush)
    _wait(lambda: "Cache flushed" in _flash(d), "the flush to be confirmed")

    # -- register an MCP server: the SSRF verdict is shown ------------------------------
    d.get(f"{ui}/agents")
    form = d.find_element(By.CSS_SELECTOR, "form[action='/ui/agents/mcp/add']")
    form.find_element(By.NAME, "name").send_keys("alpha")
    form.find_element(By.NAME, "url").send_keys(servers["mcp"])
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    _wait(lambda: "registered" in _flash(d), "the MCP registration")
    assert "SSRF guard: allowed" in _flash(d)
    row = d.find_element(By.XPATH, "//td[normalize-space(.)='alpha']/..")
    assert "allowed" in row.text and "up" in row.text
    # and a metadata address is refused, with the guard's reason on the page
    form = d.find_element(By.CSS_SELECTOR, "form[action='/ui/agents/mcp/add']")
    form.find_element(By.NAME, "name").send_keys("evil")
    form.find_element(By.NAME, "url").send_keys("http://169.254.169.254/mcp")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    _wait(lambda: "SSRF guard" in d.page_source, "the SSRF refusal")
    assert "metadata" in d.find_element(By.CSS_SELECTOR, "p.error").text
    d.back()

    # -- every page: no console errors, screenshots at two sizes -----------------------
    _errors(d)  # drop what came before (the refused registration's 400 is expected)
    for size, (w, h) in {"1280x800": (1280, 800), "narrow": (390, 844)}.items():
        d.set_window_size(w, h)
        for name in PAGES:
            d.get(f"{ui}/{name}")
            assert d.find_element(By.TAG_NAME, "h1").text
            width = d.execute_script("return document.documentElement.scrollWidth")
            assert width <= w + 1, (name, size, width)  # no sideways scrolling of the page
            d.save_screenshot(str(ARTIFACTS / f"console-{name or 'overview'}-{size}.png"))
            assert _errors(d) == [], (name, size)
    d.set_window_size(1280, 800)

    # -- sign out ------------------------------------------------------------------------
    d.find_element(By.CSS_SELECTOR, "form[action='/ui/signout'] button").click()
    _wait(lambda: d.current_url.endswith("/ui/signin"), "the sign-in page")
    d.get(f"{ui}/keys")
    assert d.current_url.endswith("/ui/signin")

    # -- no key in any access-log line of the gateway ----------------------------------
    # (log records only: the CLI's start-up banner prints a curl example for the operator)
    records = [ln for ln in servers["log"].read_text().splitlines() if re.match(r"\d{4}-\d\d-", ln)]
    assert any("/ui/keys" in ln for ln in records)  # the access log is on and saw the console
    for line in records:
        assert MASTER_KEY not in line and secret not in line, line
