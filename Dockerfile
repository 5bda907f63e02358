# Cutover's image: the CLI (serve, agent, record, report, ...) with the built dashboard.
# Dependencies come from the lockfile (npm ci); the files are owned by root and the process runs as UID 1000,
# so it cannot change its own code; deploy/ runs it with a read-only root filesystem.
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && rm -rf .next/cache

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
# What the agent's node evidence runs, read only (deploy/components/agent-node-evidence): iptables-save, nft,
# ipvsadm, conntrack.
RUN apt-get update \
  && apt-get install -y --no-install-recommends conntrack iptables nftables ipvsadm \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
# What the package ships (package.json "files"), without the dashboard's sources: with no app/ here, serve uses
# the build as it is instead of checking whether to rebuild it.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/package.json /app/next.config.mjs /app/tsconfig.json ./
COPY --from=build /app/bin ./bin
COPY --from=build /app/server ./server
COPY --from=build /app/lib ./lib
COPY --from=build /app/public ./public
COPY --from=build /app/.next ./.next
USER 1000:1000
EXPOSE 7300
ENTRYPOINT ["node", "bin/cutover.mjs"]
CMD ["serve", "--in-cluster", "--host", "0.0.0.0"]
