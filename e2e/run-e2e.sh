#!/bin/bash
# Builds the Flowbook JupyterLab extension and a JupyterLab 4.6.4 host app with npm alone, serves
# them with Debian's jupyter_server/jupyterlab_server, and runs the browser tests (node's test runner
# driving Debian's chromium). Screenshots go to artifacts/screenshots/ at the repository root.
# Env: PORT (default 8899), SKIP_APT=1 to skip the apt step, E2E_TESTS (test files, default all).
set -euo pipefail
E2E=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$E2E")
PORT=${PORT:-8899}
STATE=$(mktemp -d -t flowbook-e2e.XXXXXX)
SCREENSHOTS=$ROOT/artifacts/screenshots
step() { local name=$1; shift; local start=$SECONDS; "$@"; echo "e2e step $name: $((SECONDS - start))s"; }

if [ "${SKIP_APT:-0}" != 1 ]; then
  step apt bash -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    python3-jupyter-server python3-jupyterlab-server python3-ipykernel chromium fonts-liberation >/dev/null'
fi
npm_ci() { (cd "$1" && npm ci --no-audit --no-fund --loglevel=error); }
step npm-ci-extension npm_ci "$ROOT/extension"
step npm-ci-app npm_ci "$E2E/app"
step npm-ci-e2e npm_ci "$E2E"
step build-extension bash -c "cd '$ROOT/extension' && npm run build --silent >/dev/null"
ls "$ROOT"/extension/labextension/static/remoteEntry.*.js >/dev/null
step build-app bash -c "cd '$E2E/app' && node build.js"

EXT_NAME=$(node -p "require('$ROOT/extension/package.json').name")
mkdir -p "$STATE/labextensions/$(dirname "$EXT_NAME")" "$STATE/root" "$SCREENSHOTS"
ln -sfn "$ROOT/extension/labextension" "$STATE/labextensions/$EXT_NAME"
cp -r "$E2E"/notebooks/. "$STATE/root/"

export JUPYTER_CONFIG_DIR=$STATE/config JUPYTER_DATA_DIR=$STATE/data JUPYTER_RUNTIME_DIR=$STATE/runtime JUPYTER_NO_CONFIG=1
# The protocol stand-in kernel (until the Flowbook kernel's own kernelspec is installed here).
mkdir -p "$JUPYTER_DATA_DIR/kernels/flowbook-protocol"
sed "s#@KERNEL_FILE@#$E2E/protocol-kernel/flowbook_protocol_kernel.py#" "$E2E/protocol-kernel/kernel.json.in" \
  >"$JUPYTER_DATA_DIR/kernels/flowbook-protocol/kernel.json"
export FLOWBOOK_LAB_APP=$E2E/app FLOWBOOK_LABEXTENSIONS=$STATE/labextensions FLOWBOOK_LAB_STATE=$STATE
/usr/bin/python3 "$E2E/server/flowbook_lab.py" --ServerApp.ip=127.0.0.1 --ServerApp.port="$PORT" \
  --ServerApp.port_retries=0 --ServerApp.token= --ServerApp.password= --ServerApp.allow_root=True \
  --ServerApp.root_dir="$STATE/root" >"$STATE/server.log" 2>&1 &
SERVER_PID=$!
stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$STATE"
}
trap stop_server EXIT
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
  echo "--- server log (tail) ---"
  tail -n 40 "$STATE/server.log"
fi
exit $STATUS
