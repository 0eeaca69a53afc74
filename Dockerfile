# The GraphQL server from this checkout, with the exact Python versions of requirements.lock.
#   docker build -t rscgraph .
#   docker run --rm -e RSC_DATABASE_URL=postgresql+asyncpg://ats:<password>@db:5432/ats rscgraph migrate
#   docker run -d -p 8000:8000 -e RSC_DATABASE_URL=... -e RSC_SECRET_KEYS=... rscgraph
# (tests/app/test_dockerfile.py checks what it copies exists and that it installs from the lock.)

FROM node:20-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
# The candidate page, bundled by esbuild (a runtime dependency of web/ for this step) into web/dist.
COPY web/build.mjs ./
COPY web/src src
RUN npm run build

FROM python:3.11-slim
WORKDIR /srv/rscgraph
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/srv/rscgraph/.venv/bin:$PATH
COPY requirements.lock ./
RUN python -m venv .venv && .venv/bin/pip install --no-cache-dir --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY app app
COPY graph graph
COPY resolvers resolvers
COPY models models
COPY linkedin linkedin
COPY migrations migrations
COPY web/candidates.html web/candidates.html
COPY --from=web /src/web/node_modules web/node_modules
COPY --from=web /src/web/dist web/dist
RUN .venv/bin/pip install --no-cache-dir --no-deps --no-build-isolation -e .
# Listen on every interface of the container; production masks unexpected error messages.
ENV RSC_HOST=0.0.0.0 RSC_ENVIRONMENT=production
USER nobody
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('RSC_PORT') or os.environ.get('PORT') or 8000}/healthz\", timeout=4)"]
ENTRYPOINT ["rscgraph"]
CMD ["serve"]
