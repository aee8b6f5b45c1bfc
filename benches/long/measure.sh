#!/usr/bin/env bash
# Long scenarios: wall time and peak RSS of `fetchguard run FILE --quiet` for generated
# scenarios of 1,000, 10,000 and 100,000 fetches (a third preflighted), and from them the
# per-fetch time and the bytes each recorded fetch adds (the RSS slope between sizes).
#
#   bash benches/long/measure.sh [path/to/fetchguard]     # default target/release/fetchguard
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:-target/release/fetchguard}
[ -n "${1:-}" ] || cargo build --release -q -p fetchguard-cli
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
echo "machine: nproc $(nproc), $(uptime | sed 's/.*load/load/')"
printf '%8s %10s %12s %12s\n' fetches wall_s us_per_fetch peak_rss_kib
for n in ${SIZES:-1000 10000 100000}; do
  python3 benches/long/gen.py "$n" >"$dir/long-$n.toml"
  /usr/bin/time -f '%e %M' -o "$dir/time" "$BIN" run "$dir/long-$n.toml" --quiet >/dev/null || true
  read -r wall rss <"$dir/time"
  printf '%8d %10s %12.1f %12d\n' "$n" "$wall" "$(echo "$wall * 1000000 / $n" | bc -l)" "$rss"
  echo "$n $wall $rss" >>"$dir/rows"
done
python3 - "$dir/rows" <<'PY'
import sys
rows = [tuple(map(float, l.split())) for l in open(sys.argv[1])]
for (n0, _, r0), (n1, _, r1) in zip(rows, rows[1:]):
    print(f"RSS slope {int(n0)} -> {int(n1)} fetches: {(r1 - r0) * 1024 / (n1 - n0):.0f} bytes per recorded fetch")
PY
