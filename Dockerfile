# The service as deployed. Each step is one that scripts/deploy-check.sh runs outside a container (.ci/run calls it,
# since these machines have no Docker engine): build, copy package.json's `files`, install without dev packages, start
# with plain node. Keep the COPY list equal to `files` in package.json.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci && npm run build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production PORT=4000 DATA_DIR=/app/data
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/dist dist
COPY --from=build /app/bin bin
COPY --from=build /app/prisma/migrations prisma/migrations
COPY --from=build /app/mappings mappings
COPY --from=build /app/scripts/generate.mjs scripts/generate.mjs
RUN npm ci --omit=dev --no-audit --no-fund && mkdir -p data && chown node data
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:4000/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# Tenants: docker compose exec service node dist/cli/create-tenant.js <slug>
CMD ["node", "dist/server.js"]
