# syntax=docker/dockerfile:1
# Keyward's image: everything is built in the first stage; the second runs the built server on a slim
# Node LTS image as a non-root user, with production dependencies only. See docs/deploy.md.

FROM node:24-slim AS build
WORKDIR /app
# The manifests alone first, so the dependency layer is rebuilt only when they change.
COPY package.json package-lock.json ./
COPY apps/server/package.json apps/server/
COPY apps/web/package.json apps/web/
COPY packages/sdk/package.json packages/sdk/
COPY packages/enforce/package.json packages/enforce/
COPY examples/vendor-api/package.json examples/vendor-api/
COPY examples/desktop-app/package.json examples/desktop-app/
# The postinstall builds, but the sources are not copied yet: it runs as the build below.
RUN KEYWARD_SKIP_POSTINSTALL=1 npm ci
COPY . .
# What `npm start` serves: the SDK (the server imports its error catalogue), the web apps, the server bundle.
RUN npm run build -w packages/sdk && npm run build -w apps/web && npm run build -w apps/server
RUN npm prune --omit=dev

FROM node:24-slim
ENV NODE_ENV=production \
    KEYWARD_DATA_DIR=/data \
    PORT=8080
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/packages/sdk/package.json packages/sdk/
COPY --from=build /app/packages/sdk/dist packages/sdk/dist
COPY --from=build /app/apps/web/package.json apps/web/
COPY --from=build /app/apps/web/dist apps/web/dist
COPY --from=build /app/apps/server/package.json apps/server/
COPY --from=build /app/apps/server/node_modules apps/server/node_modules
COPY --from=build /app/apps/server/bin apps/server/bin
COPY --from=build /app/apps/server/scripts apps/server/scripts
COPY --from=build /app/apps/server/migrations apps/server/migrations
# The bin compares the bundle with the sources and rebuilds a stale one; touched last, it is fresh.
COPY --from=build /app/apps/server/src apps/server/src
COPY --from=build /app/apps/server/dist apps/server/dist
RUN touch apps/server/dist/cli/index.mjs \
    && mkdir -p /data && chown node:node /data
# The embedded database and a generated master key live here; on PostgreSQL with KEYWARD_MASTER_KEY
# set, nothing is written.
VOLUME /data
USER node
EXPOSE 8080
# No curl in slim images: Node's own fetch.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The same command as `npm start`; with DATABASE_URL it runs one worker per core (`serve --workers N`
# to choose), and SIGTERM (docker stop) shuts every worker down gracefully.
CMD ["node", "apps/server/bin/keyward.mjs", "serve"]
