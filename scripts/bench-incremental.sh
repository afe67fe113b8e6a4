#!/usr/bin/env bash
# Incremental-build benchmark: for each archive size, a cold build (no output, no
# .gazette/), a no-op rebuild and a one-post edit, RUNS times each; prints a Markdown
# table of median wall time and of the files whose mtime or inode changed (written)
# per case. Corpora are generated under $WORK and never committed.
#
# Usage: scripts/bench-incremental.sh [SIZES...]    e.g. scripts/bench-incremental.sh 5000 50000
# Env:   RUNS (default 3), WORK (default /tmp/gazette-bench-inc), SHARED (default ../shared)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("${@:-5000}")
RUNS=${RUNS:-3}
WORK=${WORK:-/tmp/gazette-bench-inc}
SHARED=${SHARED:-../shared}
mkdir -p "$WORK"
cargo build --release -q
GAZETTE=$PWD/target/release/gazette

# Every output file with its mtime and inode: a file whose line changes was written.
listing() { (cd "$1" && find . -type f -printf '%P %T@ %i\n' | sort); }
changed() { comm -13 <(echo "$1") <(echo "$2") | wc -l; }
seconds() { local t0=$1 t1; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

echo "| posts | case | median wall (s) | vs cold | files written | files in site |"
echo "|---|---|---|---|---|---|"
for N in "${SIZES[@]}"; do
  site="$WORK/site-$N"
  [ -d "$site/content" ] || python3 "$SHARED/bench/gen_corpus.py" "$N" "$site/content" >/dev/null
  printf 'title = "News archive"\nbase_url = "https://archive.example.org"\ntimezone = "Asia/Shanghai"\npaginate = 10\n' >"$site/config.toml"
  # A post in the middle of the archive, edited by appending a paragraph per run.
  victim=$(find "$site/content" -name '*.md' | sort | awk -v n="$N" 'NR == int(n/2)')
  cp "$victim" "$WORK/victim-$N.orig"
  declare -a cold=() noop=() edit=()
  for run in $(seq "$RUNS"); do
    rm -rf "$site/public" "$site/.gazette"
    t0=$(date +%s.%N); "$GAZETTE" build -q --root "$site"; cold+=("$(seconds "$t0")")
    total=$(find "$site/public" -type f | wc -l)
    before=$(listing "$site/public")
    t0=$(date +%s.%N); "$GAZETTE" build -q --root "$site"; noop+=("$(seconds "$t0")")
    after=$(listing "$site/public"); noop_files=$(changed "$before" "$after")
    printf '\n<p>Edit %s of this post.</p>\n' "$run" >>"$victim"
    sleep 0.01
    before=$after
    t0=$(date +%s.%N); "$GAZETTE" build -q --root "$site"; edit+=("$(seconds "$t0")")
    after=$(listing "$site/public"); edit_files=$(changed "$before" "$after")
  done
  cp "$WORK/victim-$N.orig" "$victim"
  c=$(printf '%s\n' "${cold[@]}" | median)
  n=$(printf '%s\n' "${noop[@]}" | median)
  e=$(printf '%s\n' "${edit[@]}" | median)
  pct() { echo "scale=1; 100 * $1 / $c" | bc; }
  echo "| $N | cold build | $c | 100% | $total | $total |"
  echo "| $N | no-op rebuild | $n | $(pct "$n")% | $noop_files | $total |"
  echo "| $N | one-post edit | $e | $(pct "$e")% | $edit_files | $total |"
  unset cold noop edit
done
