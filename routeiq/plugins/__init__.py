"""Plugins: request/response hooks, the guardrails they run, the phased pipeline.

- ``base``: the plugin API (``Plugin``, ``Call``, ``Answer``, ``Chunk``,
  ``CallResult``, ``Blocked``);
- ``settings``: ``routeiq.plugins`` and ``routeiq.guardrails`` (YAML schema);
- ``loader`` / ``runner``: import at config load; one hook under its deadline
  and failure mode;
- ``pipeline``: the phases of a request (``Pipeline.begin`` -> ``RequestRun``);
- ``guards`` / ``stream_scan`` / ``output``: the built-in guardrails on input,
  on streamed output (incremental, across chunks) and on whole answers;
- ``after`` / ``cost``: post-call work in the background;
- ``guardrails/``: the I/O-free matchers (PII, injection, content).

``routeiq.config`` imports only ``settings`` from here (and, through it, the
matchers' settings and the loader): none of them imports trio.
"""
