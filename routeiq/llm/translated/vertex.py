"""Gemini on Vertex AI (``vertex_ai/gemini-*``): Gemini's body, Vertex's URL, Google OAuth.

The body is what litellm's Vertex/Gemini handler builds (as for ``gemini/``); the URL
is ``https://<location>-aiplatform.googleapis.com/v1/projects/<project>/locations/
<location>/publishers/google/models/<model>:generateContent`` (``streamGenerateContent
?alt=sse`` streamed). Credentials come from google-auth, as LiteLLM takes them:
``vertex_credentials`` (a service-account JSON file or its text), else application
default credentials (``GOOGLE_APPLICATION_CREDENTIALS``, gcloud, workload identity,
the metadata server). The access token is fetched and refreshed by google-auth, which
does blocking HTTP: so every Vertex request is translated in a worker thread
(``ALWAYS_OFFLOAD``), where a token near its expiry is refreshed under a thread lock;
the event loop never waits on Google's token endpoint.

Only Gemini models are served on Vertex (Anthropic, Llama, ... on Vertex are not).
"""

from __future__ import annotations

import importlib
import os
import threading
from typing import Any

import orjson

from routeiq.deployment import Deployment
from routeiq.llm.translated.adapters import Call
from routeiq.llm.translated.catalog import VERTEX_DEFAULT
from routeiq.llm.translated.gemini import GeminiAdapter

SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]
PROJECT_ENV = ("VERTEXAI_PROJECT", "VERTEX_PROJECT", "GOOGLE_CLOUD_PROJECT")
LOCATION_ENV = ("VERTEXAI_LOCATION", "VERTEX_LOCATION")
DEFAULT_LOCATION = "us-central1"


def _credentials(source: Any) -> tuple[Any, str | None]:
    """google-auth credentials and the project they name (blocking: start-up thread)."""
    if source:
        service_account = importlib.import_module("google.oauth2.service_account")
        if isinstance(source, dict):
            info = source
        elif isinstance(source, str) and source.lstrip().startswith("{"):
            info = orjson.loads(source)
        else:
            with open(str(source), "rb") as f:
                info = orjson.loads(f.read())
        creds = service_account.Credentials.from_service_account_info(info, scopes=SCOPES)
        return creds, info.get("project_id")
    auth = importlib.import_module("google.auth")
    creds, project = auth.default(scopes=SCOPES)
    return creds, project


class VertexAdapter(GeminiAdapter):
    """``vertex_ai/gemini-*`` deployments (see the module docstring)."""

    ALWAYS_OFFLOAD = True

    def __init__(self, dep: Deployment, lm: Any, config: Any) -> None:
        if not dep.upstream_model.startswith("gemini"):
            raise ValueError("only Gemini models are served on Vertex AI")
        params = dict(dep.params)
        self.credentials, found_project = _credentials(params.get("vertex_credentials"))
        self.project = str(
            params.get("vertex_project")
            or next((os.environ[n] for n in PROJECT_ENV if os.environ.get(n)), None)
            or found_project
            or ""
        )
        if not self.project:
            raise ValueError("no project: set vertex_project or VERTEXAI_PROJECT")
        self.location = str(
            params.get("vertex_location")
            or next((os.environ[n] for n in LOCATION_ENV if os.environ.get(n)), None)
            or DEFAULT_LOCATION
        )
        self._lock = threading.Lock()  # worker threads only (never the event loop)
        super().__init__(dep, lm, config)
        if dep.api_base == VERTEX_DEFAULT:  # the host depends on the location
            self.api_base = None

    def token(self) -> str:
        """A valid access token; refreshes it (blocking HTTP) when near expiry."""
        with self._lock:
            if not self.credentials.valid:
                requests = importlib.import_module("google.auth.transport.requests")
                self.credentials.refresh(requests.Request())
            return str(self.credentials.token)

    def build(self, call: Call) -> None:
        gemini = importlib.import_module("litellm.llms.vertex_ai.gemini.transformation")
        endpoint = "streamGenerateContent" if call.upstream_stream else "generateContent"
        host = (
            "https://aiplatform.googleapis.com"
            if self.location == "global"
            else f"https://{self.location}-aiplatform.googleapis.com"
        )
        base = (self.api_base or f"{host}/v1").rstrip("/")
        call.url = (
            f"{base}/projects/{self.project}/locations/{self.location}"
            f"/publishers/google/models/{call.model}:{endpoint}"
        )
        if call.upstream_stream:
            call.url += "?alt=sse"
        headers = {"content-type": "application/json", "authorization": f"Bearer {self.token()}"}
        headers.update({k.lower(): v for k, v in self.extra_headers.items()})
        call.headers = headers
        call.data = gemini.transform_request_body(
            messages=call.messages,
            model=call.model,
            optional_params=call.optional_params,
            custom_llm_provider="vertex_ai",
            litellm_params=call.litellm_params,
            cached_content=None,
        )
