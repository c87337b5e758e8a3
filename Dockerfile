# manyi service image: the compiled JavaScript (npm run build → dist/) with production dependencies only.
#
# Node.js 24 (LTS "Krypton"): supported until April 2028. Node 20 reached end of life in April 2026 and Node 22 ends in
# April 2027, too soon for an image built today (December 2026); the code runs on 20 and on 24 (package.json engines).
ARG NODE_IMAGE=node:24-bookworm-slim

# 1. install: every dependency, for the compiler.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# 2. build: src/ → dist/ (tsconfig.build.json).
FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY tools/latin1-dist.js ./tools/
RUN npm run build

# 3. runtime: production dependencies, dist/ and the migrations it applies; no TypeScript, no tsx, no sources.
FROM ${NODE_IMAGE} AS runtime
# tini as PID 1: node would be PID 1 otherwise, which the kernel shields from signals it has no handler for, and which
# does not reap orphans. tini forwards SIGTERM (docker stop) to node, which closes gracefully (src/server.ts).
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
# DATA_DIR (./data): the local key pair and secrets (node dist/cli/keys.js), and the embedded database when there is
# no DATABASE_URL. Owned by the unprivileged user, so a volume mounted here starts out writable for it.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# Ready: the database answers and the migrations are current. $PORT is read when the check runs (shell form).
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:${PORT:-3000}/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
# as npm run start:prod: a 2 MB young generation scavenged on the main thread, two malloc arenas (README, In production)
ENV MALLOC_ARENA_MAX=2
CMD ["node", "--max-semi-space-size=2", "--no-parallel-scavenge", "dist/server.js"]
