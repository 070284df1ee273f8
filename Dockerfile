# S3 Drop's headless sync and upload as a container. The entrypoint is the CLI:
#   docker build -t s3-drop .
#   docker run --rm -v /data:/data -v s3drop-state:/state -e AWS_PROFILE=prod -v ~/.aws:/home/node/.aws:ro \
#     s3-drop sync /data s3://bucket/landing
# Credentials come from the environment (AWS_ACCESS_KEY_ID…, AWS_PROFILE with a mounted ~/.aws) or from the
# instance/task role; no key is ever baked into the image.

# 1. Production dependencies only (native keyring and watcher binaries come prebuilt from npm).
FROM node:24-slim AS deps
WORKDIR /app
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm_config_fund=false npm_config_audit=false
COPY package.json package-lock.json ./
RUN npm ci --omit=dev

# 2. Build the CLI and the browser-mode UI (s3-drop serve) with the dev toolchain.
FROM node:24-slim AS build
WORKDIR /app
# Electron is a dev dependency for the desktop app; the container never runs it, so skip its binary.
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm_config_fund=false npm_config_audit=false
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.base.json tsconfig.node.json tsconfig.shared.json tsconfig.web.json vite.config.ts ./
COPY scripts ./scripts
COPY src ./src
RUN node scripts/build.mjs

# 3. The runtime: Node 24, the CLI bundle, the UI for `serve`, production node_modules; runs as `node`.
FROM node:24-slim
LABEL org.opencontainers.image.title="S3 Drop" \
      org.opencontainers.image.description="Drop and sync files into Amazon S3 and S3-compatible storage" \
      org.opencontainers.image.licenses="MIT"
ENV NODE_ENV=production \
    S3DROP_DATA_DIR=/state \
    S3DROP_DISABLE_UPDATES=1
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/out/cli ./out/cli
COPY --from=build /app/out/renderer ./out/renderer
# /state keeps the journal, the sync index and the logs between runs, so an interrupted sync resumes.
RUN mkdir -p /state /data && chown node:node /state
VOLUME ["/state"]
USER node
# The flags the bin's own shebang starts Node with (scripts/build.mjs CLI_NODE_FLAGS): they bound the young
# generation, which only a start-up flag can, so a big sync stays under 300 MiB here too.
ENTRYPOINT ["node", "--max-semi-space-size=8", "out/cli/index.js"]
CMD ["--help"]
