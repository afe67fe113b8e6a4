#!/usr/bin/env bash
# Incremental-build benchmark: for each archive size, a cold build (no output, no
# .gazette/), a no-op rebuild and two one-post edits, RUNS times each; prints a Markdown
# table of median wall time and of the files whose mtime or inode changed (written)
# per case. Corpora are generated under $WORK and never committed.
#
# Usage: scripts/bench-incremental.sh [SIZES...]    e.g. scripts/bench-incremental.sh 5000 50000
# Env:   RUNS (default 3), WORK (default /tmp/gazette-bench-inc), SHARED (default ../shared),
#        GAZETTE (default: this checkout's release build, to compare another binary)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-common.sh
SIZES=("${@:-5000}")
RUNS=${RUNS:-3}
WORK=${WORK:-/tmp/gazette-bench-inc}
SHARED=${SHARED:-../shared}
mkdir -p "$WORK"
cargo build --release -q
GAZETTE=${GAZETTE:-$PWD/target/release/gazette}

# Every output file with its mtime and inode: a file whose line changes was written.
listing() { (cd "$1" && find . -type f -printf '%P %T@ %i\n' | sort); }
changed() { comm -13 <(echo "$1") <(echo "$2") | wc -l; }
# One build; prints "wall cpu" in seconds (cpu = user + system, steadier on a busy machine).
# Each build starts with earlier write-back done (`sync`, untimed), as in bench.sh.
timed_build() {
  local out; out=$(mktemp)
  sync
  /usr/bin/time -f '%e %U %S' -o "$out" "$GAZETTE" build -q --root "$1" 2>/dev/null
  awk '{printf "%s %.2f\n", $1, $2 + $3}' "$out"; rm -f "$out"
}
trash_init "$WORK"

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }

echo "| posts | case | median wall (s) | wall vs cold | median CPU (s) | CPU vs cold | files written | files in site |"
echo "|---|---|---|---|---|---|---|---|"
for N in "${SIZES[@]}"; do
  site="$WORK/site-$N"
  [ -d "$site/content" ] || python3 "$SHARED/bench/gen_corpus.py" "$N" "$site/content" >/dev/null
  bench_config "$site"
  # A post in the middle of the archive, edited by appending a paragraph per run.
  victim=$(find "$site/content" -name '*.md' | sort | awk -v n="$N" 'NR == int(n/2)')
  cp "$victim" "$WORK/victim-$N.orig"
  : >"$WORK/times-$N"
  for run in $(seq "$RUNS"); do
    set_aside "$site/public" "$site/.public.staging" "$site/.gazette"
    echo "cold $(timed_build "$site")" >>"$WORK/times-$N"
    total=$(find "$site/public" -type f | wc -l)
    before=$(listing "$site/public")
    echo "noop $(timed_build "$site")" >>"$WORK/times-$N"
    after=$(listing "$site/public"); noop_files=$(changed "$before" "$after")
    printf '\n<p>Edit %s of this post.</p>\n' "$run" >>"$victim"
    before=$after
    echo "edit $(timed_build "$site")" >>"$WORK/times-$N"
    after=$(listing "$site/public"); edit_files=$(changed "$before" "$after")
    # Measured apart from the steady state: before the cold build left its
    # staging copy (the spare), the first rebuild had to make one.
    printf '\n<p>Edit %s again.</p>\n' "$run" >>"$victim"
    before=$after
    echo "again $(timed_build "$site")" >>"$WORK/times-$N"
    after=$(listing "$site/public"); again_files=$(changed "$before" "$after")
  done
  cp "$WORK/victim-$N.orig" "$victim"
  col() { awk -v c="$1" -v f="$2" '$1 == c {print $f}' "$WORK/times-$N" | median; }
  cw=$(col cold 2); cc=$(col cold 3)
  pct() { echo "scale=1; 100 * $1 / $2" | bc; }
  row() {
    local w c; w=$(col "$1" 2); c=$(col "$1" 3)
    echo "| $N | $2 | $w | $(pct "$w" "$cw")% | $c | $(pct "$c" "$cc")% | $3 | $total |"
  }
  row cold "cold build" "$total"
  row noop "no-op rebuild" "$noop_files"
  row edit "one-post edit, first after cold" "$edit_files"
  row again "one-post edit, steady state" "$again_files"
done
