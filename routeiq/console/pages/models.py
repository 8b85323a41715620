"""Models and deployments: health, breaker state, latency, error rate; add/remove."""

from __future__ import annotations

from routeiq.console import html
from routeiq.console.core import Ctx, Done, Page, UserError, compact, form_int


def _counts(ctx: Ctx) -> tuple[dict[str, int], dict[str, int]]:
    g = ctx.gw.telemetry.genai
    total: dict[str, int] = {}
    errors: dict[str, int] = {}
    for (dep, _model, _status), n in g.dep_requests.series.items():
        total[dep] = total.get(dep, 0) + int(n)
    for (dep, _model, _err), n in g.dep_errors.series.items():
        errors[dep] = errors.get(dep, 0) + int(n)
    return total, errors


async def view(ctx: Ctx) -> Page:
    gw = ctx.gw
    router = gw.router
    now = router.clock()
    health = {r.deployment.id: r.error for r in (gw.health.latest or [])}
    total, errors = _counts(ctx)
    runtime = set(gw.reloader.runtime)
    rows = []
    for dep in gw.config.deployments:
        state = router.breakers.state(dep.id, now)
        st = router.stats.get(dep.id)
        latency = (
            f"{st.latency * 1000:.0f} ms" if st is not None and st.latency is not None else "-"
        )
        n = total.get(dep.id, 0)
        rate = f"{errors.get(dep.id, 0) / n * 100:.1f}%" if n else "-"
        if dep.id in health:
            h = (
                "<span class='tag bad'>unhealthy</span>"
                if health[dep.id]
                else "<span class='tag ok'>healthy</span>"
            )
        else:
            h = "<span class=tag>not checked</span>"
        remove = html.form(
            "/models/delete",
            ctx.csrf,
            html.hidden("id", dep.id)
            + html.button("remove", "small danger", confirm="Remove this deployment?"),
        )
        rows.append(
            (
                html.esc(dep.model_name),
                f"<code>{html.esc(dep.id)}</code>",
                html.esc(f"{dep.provider}/{dep.upstream_model}"),
                h,
                f"<span class='tag {'ok' if state == 'closed' else 'bad'}'>{html.esc(state)}</span>",
                latency,
                f"{n:,}",
                rate,
                ("runtime " if dep.id in runtime else "file ") + remove,
            )
        )
    add = html.form(
        "/models/add",
        ctx.csrf,
        (
            html.field("model_name", "Model group", extra="required maxlength=256")
            + html.field("model", "Provider/model (e.g. openai/gpt-4o-mini)", extra="required")
            + html.field("api_base", "API base URL")
            + html.field("api_key", "API key", kind="password", extra="autocomplete=off")
            + html.field("rpm", "RPM", kind="number", extra="min=0")
            + html.button("Add deployment")
        ),
        cls="grid",
    )
    table = html.table(
        (
            "Group",
            "Deployment",
            "Upstream",
            "Health",
            "Breaker",
            "Latency (EWMA)",
            "Attempts",
            "Error rate",
            "Source",
        ),
        rows,
    )
    return Page(
        "Models & deployments",
        "/models",
        f"{table}<section><h2>Add a deployment</h2>{add}</section>",
    )


async def add(ctx: Ctx) -> Done:
    f = ctx.req.form
    name, model = f.get("model_name", "").strip(), f.get("model", "").strip()
    if not name or not model:
        raise UserError("Give a model group and a provider/model")
    params = compact(
        {
            "model": model,
            "api_base": f.get("api_base", "").strip() or None,
            "api_key": f.get("api_key", "").strip() or None,
            "rpm": form_int(f, "rpm"),
        }
    )
    answer = await ctx.admin.call(
        "POST", "/model/new", {"model_name": name, "litellm_params": params}
    )
    if not answer.ok:
        raise UserError(answer.message)
    return Done(html.url("/models"), f"Deployment added to {name}")


async def delete(ctx: Ctx) -> Done:
    ident = ctx.req.form.get("id", "")
    answer = await ctx.admin.call("POST", "/model/delete", {"id": ident})
    if not answer.ok:
        raise UserError(answer.message)
    return Done(html.url("/models"), "Deployment removed")
