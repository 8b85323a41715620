"""The admin console at ``/ui``: server-rendered pages over the gateway's admin API.

``routeiq.console.app.mount`` puts it in front of the bearer-key middleware;
``routeiq.console.settings`` (its config section) imports nothing else, so the
config can name it without loading the pages.
"""
