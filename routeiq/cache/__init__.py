"""The response cache: exact and semantic tiers (issue 5).

Modules, from the I/O-free core outwards (import them directly; this package
imports nothing, so ``import routeiq.cache.keys`` never pulls in numpy or torch):

    keys         exact key, semantic query (text + params fingerprint)   pure
    cacheable    cacheable(request, headers) -> CacheDecision            pure
    lru          LRUCache: size cap + TTL, heap of deadlines             pure (injected clock)
    exact        ExactIndex: numpy matrix, swap-with-last deletes        pure
    hnsw         HnswIndex: hnswlib graph, mark_deleted + slot reuse     pure
    index        VectorIndex: exact -> HNSW, rebuilds in worker threads  pure (+ sync job.run)
    semantic     SemanticStore: entries with TTL, one index per scope    pure (injected clock)
    embedder     Embedder: model load + micro-batching in trio threads   trio
    maintenance  run_maintenance / rebuild_index background tasks        trio
    settings     CacheSettings: the ``routeiq.cache`` config section     pure
    answer       stored answers: stream assembly, SSE replay, L2 record  pure
    rules        FlushRules: admin flushes hide older L2 answers         pure
    metrics      CacheStats and their OTel observables                   pure
    service      CacheService: L1 -> L2 -> semantic lookup, store, flush trio
    request      CacheRequest: one chat request (header, capture, store) trio
    sync         StreamSync: semantic entries shared through a Redis stream

The gateway wires it in ``routeiq.app`` (``Gateway.cache``), ``routeiq.api.openai``
(phase 3, after the guardrails) and ``routeiq.api.cache_admin`` (stats, flush).
"""
