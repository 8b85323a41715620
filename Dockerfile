# RouteIQ-Trio gateway image. Build: docker build -t routeiq .
# Run:   docker run -p 4000:4000 -v $PWD/config.yaml:/etc/routeiq.yaml routeiq \
#          serve --config /etc/routeiq.yaml --host 0.0.0.0 --port 4000
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY routeiq ./routeiq
RUN pip install --no-cache-dir . && useradd --system --uid 10001 routeiq
USER routeiq
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=2s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:4000/health/live').status != 200)"
ENTRYPOINT ["routeiq"]
CMD ["serve", "--demo", "--host", "0.0.0.0", "--port", "4000"]
