# Cutover's image: the CLI (serve, agent, record, report, ...) with the built dashboard.
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
COPY --from=build --chown=node:node /app ./
USER node
EXPOSE 7300
ENTRYPOINT ["node", "bin/cutover.mjs"]
CMD ["serve", "--in-cluster", "--host", "0.0.0.0"]
