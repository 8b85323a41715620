#!/bin/sh
# The image's Python environment, in two steps (the Dockerfile runs both; so does
# tests/deploy/test_image_env.py, in a fresh virtual environment):
#
#   install.sh deps   dependencies only, from pyproject.toml (its own layer: a change to
#                     the source does not reinstall them)
#   install.sh app    the routeiq package itself, without touching the dependencies
#
# Environment: VENV (the virtual environment, default /opt/routeiq), SRC (the directory
# holding pyproject.toml, default .), PROVIDERS (1: the providers extra, litellm, for
# anthropic/ gemini/ bedrock/ deployments; default 1), SEMANTIC (1: the semantic cache's
# extra, with torch's CPU build; default 0).
set -eu
VENV="${VENV:-/opt/routeiq}"
SRC="${SRC:-.}"
PROVIDERS="${PROVIDERS:-1}"
SEMANTIC="${SEMANTIC:-0}"
PIP="$VENV/bin/pip install --disable-pip-version-check ${PIP_EXTRA:-}"

case "${1:-}" in
deps)
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
    extras=""
    [ "$PROVIDERS" = "1" ] && extras="$extras providers"
    if [ "$SEMANTIC" = "1" ]; then
        extras="$extras semantic"
        # The CPU build first, or pip pulls a multi-GB CUDA build.
        $PIP --index-url https://download.pytorch.org/whl/cpu torch==2.13.0
    fi
    # shellcheck disable=SC2086
    "$VENV/bin/python" "$SRC/deploy/image/requirements.py" "$SRC/pyproject.toml" $extras \
        > "$VENV/requirements.txt"
    $PIP -r "$VENV/requirements.txt"
    ;;
app)
    $PIP --no-deps "$SRC"
    ;;
*)
    echo "usage: install.sh deps|app" >&2
    exit 2
    ;;
esac
