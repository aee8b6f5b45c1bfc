#!/usr/bin/env bash
# Side-by-side per-fetch timing: fetchguard (in-process and over loopback), Node's fetch
# (undici), jsdom's XHR, happy-dom's fetch and headless Chromium, all against one loopback
# server (server.js, 127.0.0.1, OS-assigned port). Not part of `cargo test`.
#
#   bash benches/compare/run.sh            # N=1000 timed fetches per case, WARM=100 first
#   N=300 bash benches/compare/run.sh
#
# Needs node >= 20, npm (installs jsdom and happy-dom from package-lock.json into
# benches/compare/node_modules) and /usr/bin/chromium. Writes benches/compare/results.json
# and prints a Markdown table.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
(cd "$here" && npm ci --no-audit --no-fund --silent)
FG_BIN=$(cargo bench --bench compare_fetchguard --no-run 2>&1 |
  sed -n 's/.*Executable .*(\(.*compare_fetchguard-[0-9a-f]*\)).*/\1/p' | tail -1)
[ -x "$FG_BIN" ] || { echo "could not build benches/compare_fetchguard.rs" >&2; exit 1; }
echo "machine: nproc $(nproc), $(lscpu | sed -n 's/^Model name: *//p'), $(uptime | sed 's/.*load/load/')" >&2
FG_BIN="$PWD/$FG_BIN" node "$here/compare.js"
echo "after: $(uptime | sed 's/.*load/load/')" >&2
