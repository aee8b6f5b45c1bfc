#!/usr/bin/env bash
# Benchmark 6: scenario speed, fetchguard vs headless Chromium.
#
#   bash benches/scenarios.sh            # examples/ (and wpt-subset/ when present)
#
# Needs hyperfine (apt-get install hyperfine) and /usr/bin/chromium (for `verify`).
# Engine: `fetchguard run FILE`, per scenario, with hyperfine (warm-up 2, 10 runs, no shell).
# Chromium: `fetchguard verify --jobs 1 FILE`, which runs the scenario in the engine AND in
# a fresh headless Chromium and compares them; the engine's share of it is the `run`
# time above (milliseconds), so verify's time is (almost all) Chromium's.
# Writes target/bench-scenarios/{engine,chromium}.tsv and prints a per-scenario table.
set -euo pipefail
cd "$(dirname "$0")/.."
# BIN=path/to/fetchguard uses that binary as it is (no build).
if [ -z "${BIN:-}" ]; then
  cargo build --release -q
  BIN=target/release/fetchguard
fi
OUT=target/bench-scenarios
mkdir -p "$OUT"
RUNS=${RUNS:-10}

echo "== whole directories (all scenarios of a directory run concurrently by fetchguard)"
dirs=(examples/)
[ -d wpt-subset ] && dirs+=(wpt-subset/)
for d in "${dirs[@]}"; do
  n=$(find "$d" -name '*.toml' | wc -l)
  hyperfine -N -i --warmup 2 --runs "$RUNS" --export-json "$OUT/dir-$(basename "$d").json" \
    "$BIN run $d --quiet" >/dev/null
  python3 - "$OUT/dir-$(basename "$d").json" "$d" "$n" <<'PY'
import json, sys, statistics
r = json.load(open(sys.argv[1]))["results"][0]
t = r["times"]; med = statistics.median(t)
print(f"run {sys.argv[2]:12} {sys.argv[3]:>3} scenarios: median {med*1000:.1f} ms, min {min(t)*1000:.1f} ms, max {max(t)*1000:.1f} ms ({med*1000/int(sys.argv[3]):.2f} ms per scenario)")
PY
done

echo "== per scenario: engine (hyperfine, $RUNS runs) and Chromium (verify --jobs 1, 1 run)"
: >"$OUT/engine.tsv"
: >"$OUT/chromium.tsv"
files=$(find examples -maxdepth 1 -name '*.toml' | sort)
for f in $files; do
  hyperfine -N -i --warmup 2 --runs "$RUNS" --export-json "$OUT/one.json" "$BIN run $f --quiet" >/dev/null
  python3 -c "import json,statistics,sys;t=json.load(open('$OUT/one.json'))['results'][0]['times'];print('$f\t%.6f'%statistics.median(t))" >>"$OUT/engine.tsv"
  if $BIN verify --help >/dev/null 2>&1; then
    s=$(date +%s.%N)
    $BIN verify --jobs 1 "$f" >"$OUT/verify-$(basename "$f" .toml).txt" 2>&1 || true
    e=$(date +%s.%N)
    echo -e "$f\t$(echo "$e - $s" | bc)" >>"$OUT/chromium.tsv"
  fi
done
python3 - "$OUT" <<'PY'
import sys, statistics
out = sys.argv[1]
eng = dict(l.split("\t") for l in open(f"{out}/engine.tsv").read().split("\n") if l)
chr_ = dict(l.split("\t") for l in open(f"{out}/chromium.tsv").read().split("\n") if l)
print(f"{'scenario':42} {'engine ms':>10} {'chromium ms':>12} {'ratio':>8}")
ratios = []
for f, e in eng.items():
    e = float(e)
    c = float(chr_[f]) if f in chr_ else float('nan')
    ratios.append(c / e)
    print(f"{f.split('/')[-1]:42} {e*1000:10.2f} {c*1000:12.0f} {c/e:8.0f}x")
if chr_:
    E = [float(v) for v in eng.values()]; C = [float(v) for v in chr_.values()]
    print(f"{'median':42} {statistics.median(E)*1000:10.2f} {statistics.median(C)*1000:12.0f} {statistics.median(ratios):8.0f}x (median of per-scenario ratios; min {min(ratios):.0f}x)")
PY
