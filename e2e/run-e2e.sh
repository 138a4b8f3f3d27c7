#!/bin/bash
# Builds the Flowbook JupyterLab extension and a JupyterLab 4.6.4 host app with npm alone, installs
# the Flowbook kernel with `flowbook install`, serves them with Debian's jupyter_server /
# jupyterlab_server, and runs the browser tests (node's test runner driving Debian's chromium).
# Screenshots go to artifacts/screenshots/ at the repository root. Needs the root `npm ci` (the
# kernel's dependencies); builds the kernel's dist/ when it is missing.
# Env: PORT (default 8899), SKIP_APT=1 to skip the apt step, SKIP_NPM_CI=1 to keep the installed
# node_modules (local reruns), E2E_TESTS (test files, default all).
set -euo pipefail
E2E=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$E2E")
PORT=${PORT:-8899}
STATE=$(mktemp -d -t flowbook-e2e.XXXXXX)
SCREENSHOTS=$ROOT/artifacts/screenshots
step() { local name=$1; shift; local start=$SECONDS; "$@"; echo "e2e step $name: $((SECONDS - start))s"; }
SERVER_PID=
# Every process this script started, below it: the server, its kernels, their training jobs, the
# test runner and its chromium. Listed before anything is stopped, since orphans lose their parent.
descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    echo "$child"
    descendants "$child"
  done
}
stop_all() {
  local started
  started=$(descendants $$)
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true # the server shuts its kernels down, which end their jobs
    for _ in $(seq 1 20); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
  fi
  for pid in $started; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$STATE"
}
trap stop_all EXIT
trap 'exit 130' INT # an interrupted or killed run still cleans up
trap 'exit 143' TERM

if [ "${SKIP_APT:-0}" != 1 ]; then
  step apt bash -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    python3-jupyter-server python3-jupyterlab-server python3-ipykernel chromium fonts-liberation >/dev/null'
fi
npm_ci() { (cd "$1" && npm ci --no-audit --no-fund --loglevel=error); }
if [ "${SKIP_NPM_CI:-0}" != 1 ]; then
  # The root `npm test` installs the extension's packages for its unit tests; no need to do it twice.
  [ -f "$ROOT/extension/node_modules/.package-lock.json" ] || step npm-ci-extension npm_ci "$ROOT/extension"
  step npm-ci-app npm_ci "$E2E/app"
  step npm-ci-e2e npm_ci "$E2E"
fi
step build-extension bash -c "cd '$ROOT/extension' && npm run build --silent >/dev/null"
ls "$ROOT"/extension/labextension/static/remoteEntry.*.js >/dev/null
step build-app bash -c "cd '$E2E/app' && node build.js"

mkdir -p "$STATE/root" "$SCREENSHOTS"
cp -r "$E2E"/notebooks/. "$STATE/root/"
mkdir -p "$STATE/root/data"
cp "$ROOT/examples/data/cars.json" "$STATE/root/data/"

export JUPYTER_CONFIG_DIR=$STATE/config JUPYTER_DATA_DIR=$STATE/data JUPYTER_RUNTIME_DIR=$STATE/runtime JUPYTER_NO_CONFIG=1
[ -f "$ROOT/kernel/dist/main.js" ] || step build-kernel bash -c "cd '$ROOT' && npx tsc -b kernel magics"
# The real kernel and the built extension, installed as users install them (--user follows
# JUPYTER_DATA_DIR); the server then serves the extension from where `flowbook install` put it.
node "$ROOT/kernel/bin/flowbook.js" install --user
EXT_NAME=$(node -p "require('$ROOT/extension/package.json').name")
ls "$JUPYTER_DATA_DIR/labextensions/$EXT_NAME"/static/remoteEntry.*.js >/dev/null
export FLOWBOOK_LAB_APP=$E2E/app FLOWBOOK_LABEXTENSIONS=$JUPYTER_DATA_DIR/labextensions FLOWBOOK_LAB_STATE=$STATE
/usr/bin/python3 "$E2E/server/flowbook_lab.py" --ServerApp.ip=127.0.0.1 --ServerApp.port="$PORT" \
  --ServerApp.port_retries=0 --ServerApp.token= --ServerApp.password= --ServerApp.allow_root=True \
  --ServerApp.root_dir="$STATE/root" >"$STATE/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$PORT/api/status" >/dev/null && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$PORT/api/status" >/dev/null || { echo "the e2e JupyterLab server did not start:"; cat "$STATE/server.log"; exit 1; }

cd "$E2E"
set +e
LAB_URL=http://127.0.0.1:$PORT/lab SCREENSHOTS=$SCREENSHOTS node --test --test-concurrency=1 ${E2E_TESTS:-tests/*.test.mjs}
STATUS=$?
set -e
if [ $STATUS -ne 0 ]; then
  echo "--- server log (tail; the whole log is artifacts/e2e-server.log) ---"
  tail -n 40 "$STATE/server.log"
  cp "$STATE/server.log" "$ROOT/artifacts/e2e-server.log"
fi
exit $STATUS
