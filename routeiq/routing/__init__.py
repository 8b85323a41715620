"""Routing: which deployment serves a request, and what happens when it fails.

- ``strategies``: pure choices (simple-shuffle, least-busy, latency-, cost-,
  usage-based) over the candidates a breaker filter left;
- ``breaker``: per-deployment circuit breakers (pure; time passed in);
- ``retry``: what is safe to retry or fall back from (pure);
- ``affinity``: conversation keys (pure) and their records in the state store;
- ``router``: the per-instance state (stats, breakers, affinity, store writes,
  breaker sharing between instances);
- ``executor``: ``route_and_call``, one request from choice to answer;
- ``tap``: the ``send`` wrapper that observes an attempt's response;
- ``settings``: the ``routeiq.routing`` config section.
"""

# Import the submodules directly (``routeiq.routing.executor`` ...): the config
# module imports ``routeiq.routing.settings``, so this package must not import
# anything that imports the config.
