"""RouteIQ-Trio: an AI gateway on Trio structured concurrency."""

__version__ = "0.1.0"
