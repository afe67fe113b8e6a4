#!/usr/bin/env bash
# Whole-build benchmark: gazette against Hugo (and Hexo where installed) on the same
# synthetic archives, interleaved, several runs each; prints a Markdown table of median
# wall time and peak memory with ratios against Hugo from the same run.
#
# Usage: scripts/bench.sh [SIZES...]        e.g. scripts/bench.sh 20000 100000
# Env:   RUNS (default 3), WORK (default /tmp/gazette-bench), SHARED (default ../shared)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("${@:-20000}")
RUNS=${RUNS:-3}
WORK=${WORK:-/tmp/gazette-bench}
SHARED=${SHARED:-../shared}
mkdir -p "$WORK"
cargo build --release -q
GAZETTE=$PWD/target/release/gazette

# measure LABEL DIR CMD... → prints "seconds peak_mb"
measure() {
  local dir=$1; shift
  local log; log=$(mktemp)
  ( cd "$dir" && /usr/bin/time -f '%e %M' "$@" >/dev/null 2>"$log.err"; tail -n1 "$log.err" >"$log" ) || { echo "NaN NaN"; return; }
  awk '{printf "%s %.0f\n", $1, $2/1024}' "$log"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "NaN"; else if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }

echo "| posts | tool | median wall (s) | peak RSS (MB) | vs Hugo (time) | html files |"
echo "|---|---|---|---|---|---|"
for N in "${SIZES[@]}"; do
  corpus="$WORK/corpus-$N"
  [ -d "$corpus" ] || python3 "$SHARED/bench/gen_corpus.py" "$N" "$corpus" >/dev/null
  hugo_dir="$WORK/hugo-$N"
  if command -v hugo >/dev/null; then
    rm -rf "$hugo_dir"; mkdir -p "$hugo_dir/content"; cp -r "$SHARED/bench/peers/hugo/." "$hugo_dir/"
    cp -r "$corpus" "$hugo_dir/content/posts"
  fi
  site="$WORK/site-$N"; mkdir -p "$site"
  printf 'title = "News archive"\nbase_url = "https://archive.example.org"\ntimezone = "Asia/Shanghai"\npaginate = 10\n' >"$site/config.toml"
  declare -A times=() mems=()
  for run in $(seq "$RUNS"); do
    rm -rf "$site/public"
    read -r t m < <(measure "$site" "$GAZETTE" build --root "$site" --content "$corpus" --quiet)
    times[gazette]+="$t "; mems[gazette]+="$m "
    if command -v hugo >/dev/null; then
      rm -rf "$hugo_dir/public"
      read -r t m < <(measure "$hugo_dir" hugo --quiet)
      times[hugo]+="$t "; mems[hugo]+="$m "
    fi
  done
  hugo_t=$(echo "${times[hugo]:-}" | tr ' ' '\n' | grep . | median || true)
  for tool in gazette hugo; do
    [ -n "${times[$tool]:-}" ] || continue
    t=$(echo "${times[$tool]}" | tr ' ' '\n' | grep . | median)
    m=$(echo "${mems[$tool]}" | tr ' ' '\n' | grep . | median)
    case $tool in gazette) out="$site/public" ;; hugo) out="$hugo_dir/public" ;; esac
    files=$(find "$out" -name '*.html' | wc -l)
    ratio=$(awk -v a="$t" -v b="${hugo_t:-NaN}" 'BEGIN { if (b+0 > 0) printf "%.2f×", a/b; else print "–" }')
    echo "| $N | $tool | $t | $m | $ratio | $files |"
  done
  unset times mems
done
