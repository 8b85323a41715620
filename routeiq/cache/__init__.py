"""The response cache: exact and semantic tiers (issue 5).

Modules, from the I/O-free core outwards (import them directly; this package
imports nothing, so ``import routeiq.cache.keys`` never pulls in numpy or torch):

    keys         exact key, semantic query (text + params fingerprint)   pure
    policy       cacheable(request, headers) -> CacheDecision            pure
    lru          LRUCache: size cap + TTL, heap of deadlines             pure (injected clock)
    exact        ExactIndex: numpy matrix, swap-with-last deletes        pure
    hnsw         HnswIndex: hnswlib graph, mark_deleted + slot reuse     pure
    index        VectorIndex: exact -> HNSW, rebuilds in worker threads  pure (+ sync job.run)
    semantic     SemanticStore: entries with TTL, one index per scope    pure (injected clock)
    embedder     Embedder: model load + micro-batching in trio threads   trio
    maintenance  run_maintenance / rebuild_index background tasks        trio
"""
