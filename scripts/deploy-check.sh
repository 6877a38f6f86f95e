#!/usr/bin/env bash
# The deployment, outside a container, with the Dockerfile's steps: build, copy what package.json's `files` ships
# into a temporary folder, install there without development packages, then start it on PostgreSQL and record a chat
# against the sandbox (scripts/deploy-smoke.mjs). Leaves nothing behind. `npm run deploy:check`; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d "${TMPDIR:-/tmp}/cxsf-deploy-XXXXXX")"
db="cxsf_deploy_$$"
admin_url="${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
cleanup() {
  rm -rf "$work"
  psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

start=$SECONDS
rm -rf dist                                                             # a fresh build, as in the Dockerfile
npm run -s build                                                        # Dockerfile: RUN npm ci && npm run build
echo "deploy-check: built in $((SECONDS - start)) s"
cp package.json package-lock.json "$work/"                             # Dockerfile: COPY package*.json
for entry in $(node -p "require('./package.json').files.join(' ')"); do  # Dockerfile: COPY of each `files` entry
  mkdir -p "$work/$(dirname "$entry")"
  cp -r "$entry" "$work/$entry"
done
(cd "$work" && npm ci --omit=dev --no-audit --no-fund --prefer-offline --loglevel=error)  # Dockerfile: RUN npm ci --omit=dev
echo "deploy-check: installed without dev packages at $((SECONDS - start)) s"
test ! -e "$work/node_modules/tsx" || { echo "deploy-check: tsx was installed without dev packages" >&2; exit 1; }

psql "$admin_url" -qc "CREATE DATABASE $db" >/dev/null
node scripts/deploy-smoke.mjs "$work" "${admin_url%/*}/$db"            # Dockerfile: CMD node dist/server.js
echo "deploy-check: passed in $((SECONDS - start)) s"
