"""Learned routing (issue 13): pick, per prompt, the model group that answers well
for the least cost, and learn from traffic.

Modules, from the I/O-free core outwards (this package imports nothing, so the
config can import ``settings`` without numpy):

    features   text features, the text to route on, token estimate       pure
    data       training rows, hash split, embedding cache on disk         pure (+ files)
    model      RouterModel: kNN / MLP predictors + cost model in a .npz   pure (numpy)
    train      fit kNN (LOO-tuned) / MLP (numpy Adam) / cost model        pure (offline)
    decision   rank: quality - cost_weight x cost, unavailable last       pure
    evaluate   quality/cost curve, baselines, targets, plot               pure (offline)
    settings   LearnedRouteSettings (model_info.router, llmrouter-*)      pure
    logs       DecisionLog: decisions + feedback batched into SQLite      trio
    service    LearnedRouting: decide, reload, watch, shadow, finish      trio
    api        /routeiq/feedback, /routeiq/router[/reload]                ASGI
    cli        routeiq router train | eval                                CLI
"""
