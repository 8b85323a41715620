"""The container's health check: ``python -m routeiq.healthcheck``.

Asks ``/health/live`` on the port the gateway was configured with
(``ROUTEIQ_PORT``, the same variable ``routeiq serve`` reads for its default
port), so the check follows the port instead of assuming 4000. Exit 0 if live.
"""

from __future__ import annotations

import os
import sys
import urllib.request


def main() -> int:
    port = os.environ.get("ROUTEIQ_PORT", "4000")
    url = os.environ.get("ROUTEIQ_HEALTH_URL", f"http://127.0.0.1:{port}/health/live")
    try:
        with urllib.request.urlopen(
            url, timeout=float(os.environ.get("ROUTEIQ_HEALTH_TIMEOUT", 2))
        ) as r:
            return 0 if r.status == 200 else 1
    except OSError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
