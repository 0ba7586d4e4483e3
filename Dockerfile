# syntax=docker/dockerfile:1
# One image per app, from one file:
#   docker build --build-arg APP=gateway           -t mda/gateway .
#   docker build --build-arg APP=downloader-worker -t mda/downloader-worker .
#   docker build --build-arg APP=webhook-sender    -t mda/webhook-sender .
# The build stage does not depend on APP, so the three images share one cached build.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- toolchain: compilers for better-sqlite3 (a native addon built at install) ----
FROM ${NODE_IMAGE} AS toolchain
# The lockfile is written by npm 11; install with the same npm as development and CI.
ARG NPM_VERSION=11.19.1
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && npm install -g --no-audit --no-fund npm@${NPM_VERSION}
WORKDIR /app
COPY package.json package-lock.json ./

# ---- build: every app compiled with tsc + tsc-alias to dist/<app>/apps/<app>/src/main.js ----
FROM toolchain AS build
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# ---- prod-deps: runtime node_modules only, compiled here so the runtime image carries no compilers ----
FROM toolchain AS prod-deps
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
ARG APP=gateway
# yt-dlp for the worker, from its PyPI release (Debian's 2023.03.04 no longer works on the sites it
# supports). Bump it here or with --build-arg YTDLP_VERSION=...; the worker reports the version it
# found as mda_tool_info{tool="yt-dlp"}.
ARG YTDLP_VERSION=2026.10.26
# tini reaps the processes yt-dlp and ffmpeg leave behind and forwards SIGTERM to node.
# Only the worker runs yt-dlp and ffmpeg. Debian's ffmpeg hard-depends (via libavdevice -> libgl1 ->
# libglx-mesa0) on Mesa's DRI drivers and their libLLVM (159 MB with libz3 of the 453 MB it pulls in);
# ffmpeg and ffprobe never load them (no GL context is made), so they are purged, and the build checks
# that both still start. aria2 (aria2c) is yt-dlp's downloader for progressive formats: several ranged
# connections per file (DOWNLOAD_CONNECTIONS).
RUN set -eux; \
    case "$APP" in gateway|downloader-worker|webhook-sender) ;; \
      *) echo "unknown APP '$APP' (gateway, downloader-worker or webhook-sender)" >&2; exit 1 ;; esac; \
    packages="tini ca-certificates"; \
    if [ "$APP" = "downloader-worker" ]; then packages="$packages python3 python3-venv ffmpeg aria2"; fi; \
    apt-get update; \
    apt-get install -y --no-install-recommends $packages; \
    if [ "$APP" = "downloader-worker" ]; then \
      dpkg --purge --force-depends libgl1-mesa-dri libllvm15 libz3-4; \
      python3 -m venv /opt/yt-dlp; \
      /opt/yt-dlp/bin/pip install --no-cache-dir --disable-pip-version-check "yt-dlp==${YTDLP_VERSION}"; \
      ln -s /opt/yt-dlp/bin/yt-dlp /usr/local/bin/yt-dlp; \
      yt-dlp --version; ffmpeg -version; ffprobe -version; aria2c --version; \
    fi; \
    rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production \
    APP=${APP} \
    XDG_CACHE_HOME=/tmp/.cache
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/dist/${APP} ./dist/${APP}
# the gateway serves the web dashboard's built assets at /
COPY --from=build /app/dist/dashboard ./dist/dashboard
COPY deploy/docker/healthcheck.js ./healthcheck.js
# ./data (SQLite fallback) and ./storage (media) are the defaults of SQLITE_PATH and STORAGE_DIR;
# volumes mounted there inherit this ownership.
RUN mkdir -p data storage && chown 1000:1000 data storage

# The base image's "node" user, by number so Kubernetes can verify runAsNonRoot.
USER 1000:1000
# gateway: PORT (API, health, metrics); worker and sender: METRICS_PORT (health, metrics).
EXPOSE 8080 9464 9465
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/app/healthcheck.js", "/health/ready"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["/bin/sh", "-c", "exec node dist/${APP}/apps/${APP}/src/main.js"]
