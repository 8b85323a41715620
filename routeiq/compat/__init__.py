"""LiteLLM compatibility: what each LiteLLM proxy setting means here (I/O-free).

``catalogue`` lists every LiteLLM proxy setting the gateway knows, with what
LiteLLM does with it and whether RouteIQ does the same; ``audit`` walks a
parsed config and reports every setting that is unsupported, cosmetic or
unknown (with the nearest known key); ``credentials`` resolves provider keys
from the environment as LiteLLM does.
"""

from routeiq.compat.audit import Finding, audit
from routeiq.compat.catalogue import CATALOGUE, Setting, Status

__all__ = ["CATALOGUE", "Finding", "Setting", "Status", "audit"]
