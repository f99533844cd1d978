# One image for both Herald processes: `herald worker` (the default) and `herald api`.
# docker-compose.yml picks the process with `command:`.
FROM python:3.11-slim

# Log lines reach `docker logs` immediately; no .pyc files in a read-only-ish image layer.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Build metadata first: pyproject.toml names README.md as the readme, so the build needs both.
COPY pyproject.toml README.md ./
# One COPY per package: a multi-source COPY would flatten the directories' contents into /app.
COPY herald/ herald/
COPY workflows/ workflows/
COPY activities/ activities/
COPY worker/ worker/
# Journey definitions are data, not a Python package: they stay in /app/journeys at runtime.
COPY journeys/ journeys/

# A regular (non-editable) install: the `herald` console script plus every dependency,
# without pip's download cache bloating the layer.
RUN pip install --no-cache-dir .

# Run unprivileged. HERALD_HOME (logs, any embedded state) must be writable by that user,
# and /app is root-owned, so point it at a directory the user owns.
RUN useradd --create-home --uid 10001 herald \
    && mkdir -p /var/lib/herald \
    && chown herald:herald /var/lib/herald
ENV HERALD_HOME=/var/lib/herald
USER herald

# The HTTP API's port (used only by `herald api`).
EXPOSE 8000

CMD ["herald", "worker"]
