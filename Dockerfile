# scaffold's container image: the `scaffold` command as a non-root user, with git.
# Build:  docker build -t ghcr.io/ORG/scaffold:0.1.0 .
# Run:    docker run --rm -e GITHUB_TOKEN ghcr.io/ORG/scaffold:0.1.0 migrate NAME --shard 1/4 -o json
# Kubernetes: `scaffold ci migrate-job NAME --shards N --image IMAGE` writes an Indexed Job that runs it.

# Stage 1: build scaffold's wheel from the source tree (only what the wheel needs is copied).
FROM python:3.12-slim AS wheel
WORKDIR /src
COPY pyproject.toml README.md ./
COPY scaffolder ./scaffolder
COPY actions ./actions
COPY golden_paths ./golden_paths
RUN python -m pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

# Stage 2: python slim, git, the wheel and its dependencies; no compilers, no source tree.
FROM python:3.12-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends git ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=wheel /wheels /wheels
RUN python -m pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
RUN useradd --create-home --uid 10001 --user-group scaffold
USER 10001:10001
WORKDIR /home/scaffold
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
ENTRYPOINT ["scaffold"]
CMD ["--help"]
