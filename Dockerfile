# syntax=docker/dockerfile:1
# One image for every role: `serve --role all|gateway|index` is chosen by JADE_ROLE or the command line.
# NOTE: no Docker engine was available where this file was written; it is linted (hadolint) and its JADE_* names are
# checked against the configuration schema by test/deploy, but it has not been built. See docs/deployment.md.

FROM node:20-bookworm AS build
WORKDIR /app
# hnswlib-node, lmdb and fs-ext compile or fetch native addons: the full image has python3, make and g++.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts \
 && npm rebuild hnswlib-node lmdb fs-ext
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY console ./console
COPY schemas ./schemas
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
# glibc gives every thread that allocates its own malloc arena: with shard worker threads and hnswlib that is tens of
# MiB of fragmented slack per process. Two arenas, and large blocks straight from mmap, keep it to a few.
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=131072 \
    JADE_HTTP_HOST=0.0.0.0 \
    JADE_DATA_DIR=/data
WORKDIR /app
# The node image already has an unprivileged user `node` (uid 1000, named by number below for runAsNonRoot); /data belongs to it so a fresh volume is writable.
RUN mkdir -p /data && chown node:node /data
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/schemas ./schemas
USER 1000:1000
VOLUME /data
# 8080: the REST API and console (JADE_HTTP_PORT); 8081: index nodes' internal API (JADE_INTERNAL_PORT, set per node).
EXPOSE 8080 8081
# No curl in the slim image: node itself probes. Gateways and role all answer GET /health on the REST port; index
# nodes serve no REST API (only the internal one, which needs the cluster secret), so for JADE_ROLE=index the check
# is a TCP connect to the internal port.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const e=process.env;if(e.JADE_ROLE==='index'){require('net').connect(+(e.JADE_INTERNAL_PORT||8081),'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))}else{fetch('http://127.0.0.1:'+(e.JADE_HTTP_PORT||'8080')+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))}"]
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["serve"]
