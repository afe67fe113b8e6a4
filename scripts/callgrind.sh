#!/usr/bin/env bash
# Deterministic CPU cost of a cold build: instructions counted by callgrind for one
# build of N generated posts on one thread. Unlike wall time on this shared machine,
# the count does not move with the load, so a change's effect shows to the percent.
#
# Usage: scripts/callgrind.sh [N]        (default 2000; ~1 min of valgrind per 2k posts)
# Env:   WORK (/dev/shm/gazette-callgrind, tmpfs keeps the disk out of it),
#        SHARED (../shared), KEEP=1 keeps callgrind.out for callgrind_annotate.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-common.sh
N=${1:-2000}
WORK=${WORK:-/dev/shm/gazette-callgrind}
SHARED=${SHARED:-../shared}
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
cargo build --release -q
mkdir -p "$WORK/site"
[ -d "$WORK/corpus-$N" ] || python3 "$SHARED/bench/gen_corpus.py" "$N" "$WORK/corpus-$N" >/dev/null
bench_config "$WORK/site"
rm -rf "$WORK/site/public" "$WORK/site/.public.staging" "$WORK/site/.gazette"
out="$WORK/callgrind.out"
RAYON_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file="$out" \
  "$PWD/target/release/gazette" build -q --root "$WORK/site" --content "$WORK/corpus-$N" --no-cache 2>&1 |
  grep -oE 'Collected : [0-9]+' | awk -v n="$N" '{printf "%d posts: %.2f G instructions\n", n, $3 / 1e9}'
if [ -n "${KEEP:-}" ]; then
  echo "callgrind_annotate --inclusive=yes $out | less"
else
  rm -f "$out"
fi
