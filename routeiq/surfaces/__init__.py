"""Inbound API surfaces beyond chat completions (Anthropic Messages, OpenAI Responses...).

Each surface parses and validates its own request, builds a chat-completions
body and runs it through the one request path (``routeiq.api.openai.run_request``);
a ``send`` wrapper (``relay.TranslatingSend``) turns the chat answer, whole or
streamed, into the surface's own response or events. The translation modules are
I/O-free and tested with plain function calls; the handlers are thin ASGI edges.
"""
