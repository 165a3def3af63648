# The www.example.com stand-in, built from uv.lock (docker compose builds it; see
# docker-compose.yml). Only the lock's `example-site` group is installed: aiohttp, pinned.
FROM python:3.13-slim
RUN pip install --no-cache-dir uv
WORKDIR /app
ENV UV_PROJECT_ENVIRONMENT=/venv PYTHONDONTWRITEBYTECODE=1
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-install-project --only-group example-site
COPY util ./util
EXPOSE 8765
CMD ["/venv/bin/python", "-m", "util.tools.example_site_server", "--host", "0.0.0.0", "--port", "8765"]
