# heliosd: a PostgreSQL-compatible server with copy-on-write branches.
#
#   docker build -t heliosd .
#   docker run -d -p 5433:5433 -e HELIOS_PASSWORD=secret -v heliosdata:/var/lib/heliosd heliosd
#   psql "host=127.0.0.1 port=5433 user=helios dbname=postgres"
#
# The container listens on all interfaces, so a password is required
# (HELIOS_PASSWORD; SCRAM-SHA-256 for every client).  TLS: mount a certificate
# and key and add  --tls-cert /etc/heliosd/server.crt --tls-key /etc/heliosd/server.key
# (or a [tls] table in a config file passed with --config).
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY heliosd ./heliosd
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim-bookworm
RUN groupadd --system heliosd && useradd --system --gid heliosd --home-dir /var/lib/heliosd heliosd \
    && mkdir -p /var/lib/heliosd && chown heliosd:heliosd /var/lib/heliosd && chmod 0700 /var/lib/heliosd
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER heliosd
ENV HELIOS_SUPERUSER=helios PYTHONUNBUFFERED=1
VOLUME ["/var/lib/heliosd"]
EXPOSE 5433
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
    CMD python -c "import socket; socket.create_connection(('127.0.0.1', 5433), 2).close()"
ENTRYPOINT ["heliosd", "serve", "--data", "/var/lib/heliosd", "--host", "0.0.0.0", "--port", "5433"]
