"""Plugins: request/response hooks and the guardrails they run."""
