# RouteIQ-Trio gateway image.
#
#   docker build -t routeiq .                                  # providers extra on (anthropic/, gemini/, bedrock/)
#   docker build --build-arg SEMANTIC=1 -t routeiq:semantic .   # + the semantic cache (torch CPU, MiniLM)
#   docker build --build-arg PROVIDERS=0 -t routeiq:slim .      # OpenAI-format providers only
#
#   docker run -p 4000:4000 -v $PWD/config.yaml:/etc/routeiq.yaml routeiq serve --config /etc/routeiq.yaml
#   docker run -e ROUTEIQ_PORT=8080 -p 8080:8080 routeiq         # the health check follows ROUTEIQ_PORT
#
# Two stages: the build stage makes the virtual environment (dependencies in a layer
# of their own, before the source, so a code change reinstalls nothing else); the
# runtime stage copies only that environment. deploy/image/install.sh holds the
# install commands (tests/deploy/test_image_env.py runs the same script in a fresh
# virtual environment, since these machines have no container engine).
ARG PYTHON_VERSION=3.11

FROM python:${PYTHON_VERSION}-slim AS build
ARG PROVIDERS=1
ARG SEMANTIC=0
ENV PIP_NO_CACHE_DIR=1 VENV=/opt/routeiq SRC=/src PROVIDERS=${PROVIDERS} SEMANTIC=${SEMANTIC}
WORKDIR /src
COPY pyproject.toml ./
COPY deploy/image/ ./deploy/image/
RUN sh deploy/image/install.sh deps
COPY README.md ./
COPY routeiq ./routeiq
RUN sh deploy/image/install.sh app

FROM python:${PYTHON_VERSION}-slim
# tini is PID 1: it forwards SIGTERM to the gateway (which then drains: readiness 503,
# in-flight streams finish, exit 0) and reaps zombies.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin routeiq
COPY --from=build /opt/routeiq /opt/routeiq
ENV PATH=/opt/routeiq/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    LITELLM_LOCAL_MODEL_COST_MAP=True \
    ROUTEIQ_HOST=0.0.0.0 ROUTEIQ_PORT=4000 ROUTEIQ_LOG_FORMAT=json
USER routeiq
WORKDIR /tmp
EXPOSE 4000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-m", "routeiq.healthcheck"]
ENTRYPOINT ["/usr/bin/tini", "--", "routeiq"]
CMD ["serve", "--demo"]
