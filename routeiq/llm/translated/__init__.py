"""Providers beyond the OpenAI format, translated by litellm's provider config classes.

All I/O stays ours (httpx on trio); litellm is used only for its pure
translation pieces, and imported only when a configured deployment needs it.

- ``catalog``: which providers, their defaults and required params (no litellm;
  read by the config loader).
- ``runtime``: ``open_translators(deployments)`` imports litellm in a worker
  thread at start-up and builds one adapter per translated deployment.
- ``adapters`` / ``bedrock``: request, response and stream translation per provider.
- ``stream``: drives litellm's streaming parsers over the bytes we read.
- ``chunks``: litellm's objects as OpenAI ``chat.completion(.chunk)`` JSON.
- ``exchange``: ``TranslatedExchange``, the ``Exchange`` of a translated deployment.

This package's ``__init__`` imports nothing: the config loader imports
``catalog`` and must not pull in the HTTP layer (which imports the config).
"""
