#!/usr/bin/env bash
# Whole-build benchmark: gazette against Hugo (and Hexo where installed and it finishes)
# on the same synthetic archives, runs interleaved so machine noise hits every tool alike.
# Prints a Markdown table of median wall time and peak memory with ratios against Hugo
# from the same run, checks the performance targets of issue 8, and writes both into
# BENCHMARKS.md between the `bench:start`/`bench:end` markers.
#
# Usage: scripts/bench.sh [SIZES...]        default: 20000 100000
# Env:   RUNS (3)            runs per tool and size; the median is reported
#        WORK (/tmp/gazette-bench)   corpora and sites (never committed)
#        SHARED (../shared)  the benchmark kit (gen_corpus.py, peers/)
#        HUGO_MAX (50000)    largest size Hugo is run at (it needs ~5 GB at 50k)
#        HEXO_DIR            node_modules holder for Hexo (see ../shared/bench/peers.sh);
#        HEXO_MAX (20000)    Hexo runs once per size up to this, when installed
#        NO_WRITE=1          print only, leave BENCHMARKS.md alone
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-common.sh
SIZES=("${@:-20000}")
[ $# -gt 0 ] || SIZES=(20000 100000)
RUNS=${RUNS:-3}
WORK=${WORK:-/tmp/gazette-bench}
SHARED=${SHARED:-../shared}
HUGO_MAX=${HUGO_MAX:-50000}
HEXO_MAX=${HEXO_MAX:-20000}
HEXO_DIR=${HEXO_DIR:-/tmp/peer-bench/hexo-node}
mkdir -p "$WORK"
# The `dist` profile (fat LTO, one codegen unit): the binary to install for big archives.
cargo build --profile dist -q
GAZETTE=$PWD/target/dist/gazette
STATIC_FILES=$(find themes/default/static -type f | wc -l)
# A cold build every time: no incremental cache, where the binary has one.
NO_CACHE=$("$GAZETTE" build --help | grep -o -- --no-cache || true)

# measure DIR CMD... → "seconds peak_mb"; the command's stderr is kept in $WORK/last.err
# Every run starts with the disk's write-back done (`sync`, not timed): a 100k build
# leaves ~4.7 GB of dirty pages, and without it the next run, of any tool, would be
# throttled writing its own while the kernel still flushes the previous one's.
measure() {
  local dir=$1; shift
  local timing; timing=$(mktemp)
  sync
  if ( cd "$dir" && /usr/bin/time -o "$timing" -f '%e %M' "$@" >/dev/null 2>"$WORK/last.err" ); then
    awk '{printf "%s %.0f\n", $1, $2/1024}' "$timing"
  else
    echo "NaN NaN"
  fi
  rm -f "$timing"
}

trash_init "$WORK"

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "NaN"; else if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }

table=$(mktemp)
checks=$(mktemp)
{
  echo "| posts | tool | median wall (s) | each run (s) | peak RSS (MiB) | time vs Hugo | files written |"
  echo "|---|---|---|---|---|---|---|"
} >"$table"
declare -A gazette_time gazette_mem
for N in "${SIZES[@]}"; do
  corpus="$WORK/corpus-$N"
  [ -d "$corpus" ] || python3 "$SHARED/bench/gen_corpus.py" "$N" "$corpus" >/dev/null
  run_hugo=0
  if command -v hugo >/dev/null && [ "$N" -le "$HUGO_MAX" ]; then
    run_hugo=1
    hugo_dir="$WORK/hugo-$N"
    set_aside "$hugo_dir"; mkdir -p "$hugo_dir/content"; cp -r "$SHARED/bench/peers/hugo/." "$hugo_dir/"
    cp -r "$corpus" "$hugo_dir/content/posts"
  fi
  site="$WORK/site-$N"; mkdir -p "$site"
  bench_config "$site"
  declare -A times=() mems=()
  pages_reported=0
  for _ in $(seq "$RUNS"); do
    set_aside "$site/public" "$site/.public.staging" "$site/.gazette"
    read -r t m < <(measure "$site" "$GAZETTE" build --root "$site" --content "$corpus" $NO_CACHE)
    times[gazette]+="$t "; mems[gazette]+="$m "
    pages_reported=$(grep -oE '[0-9]+ pages' "$WORK/last.err" | tail -n1 | grep -oE '[0-9]+' || echo 0)
    if [ "$run_hugo" = 1 ]; then
      set_aside "$hugo_dir/public"
      read -r t m < <(measure "$hugo_dir" hugo --quiet)
      times[hugo]+="$t "; mems[hugo]+="$m "
    fi
  done
  if [ -d "$HEXO_DIR/node_modules/hexo" ] && [ "$N" -le "$HEXO_MAX" ]; then
    hexo_site="$WORK/hexo-$N"
    rm -rf "$hexo_site"; mkdir -p "$hexo_site/source"
    cp "$SHARED/bench/peers/hexo/_config.yml" "$SHARED/bench/peers/hexo/package.json" "$hexo_site/"
    ln -s "$HEXO_DIR/node_modules" "$hexo_site/node_modules"
    cp -r "$corpus" "$hexo_site/source/_posts"
    read -r t m < <(measure "$hexo_site" node --max-old-space-size=16384 node_modules/hexo/bin/hexo generate --silent)
    times[hexo]+="$t "; mems[hexo]+="$m "
  fi
  hugo_t=$(echo "${times[hugo]:-}" | tr ' ' '\n' | grep . | median || true)
  for tool in gazette hugo hexo; do
    [ -n "${times[$tool]:-}" ] || continue
    t=$(echo "${times[$tool]}" | tr ' ' '\n' | grep . | median)
    m=$(echo "${mems[$tool]}" | tr ' ' '\n' | grep . | median)
    case $tool in
      gazette) out="$site/public"; gazette_time[$N]=$t; gazette_mem[$N]=$m ;;
      hugo) out="$hugo_dir/public" ;;
      hexo) out="$hexo_site/public" ;;
    esac
    files=$(find "$out" -type f 2>/dev/null | wc -l)
    ratio=$(awk -v a="$t" -v b="${hugo_t:-NaN}" 'BEGIN { if (b+0 > 0) printf "%.2f×", a/b; else print "–" }')
    runs=$(echo "${times[$tool]}" | wc -w)
    each=$(echo "${times[$tool]}" | xargs)
    echo "| $N | $tool (${runs} run$([ "$runs" = 1 ] || echo s)) | $t | $each | $m | $ratio | $files |" >>"$table"
    if [ "$tool" = gazette ]; then
      expected=$((pages_reported + STATIC_FILES))
      verdict=$([ "$files" -eq "$expected" ] && echo met || echo MISSED)
      echo "- $N posts: every page written: $files files = $pages_reported pages + $STATIC_FILES static files: **$verdict**" >>"$checks"
    fi
    if [ "$tool" = gazette ] && [ -n "$hugo_t" ] && [ "$N" = 20000 ]; then
      verdict=$(awk -v a="$t" -v b="$hugo_t" 'BEGIN { print (a <= 0.20 * b) ? "met" : "MISSED" }')
      echo "- 20k cold build ≤ 0.20 × Hugo: $t s vs $hugo_t s = $ratio: **$verdict**" >>"$checks"
    fi
  done
  unset times mems
done
if [ -n "${gazette_time[20000]:-}" ] && [ -n "${gazette_time[100000]:-}" ]; then
  awk -v a="${gazette_time[100000]}" -v b="${gazette_time[20000]}" 'BEGIN {
    r = a / b; printf "- 100k / 20k time ≤ 5.5: %.2f: **%s**\n", r, (r <= 5.5) ? "met" : "MISSED" }' >>"$checks"
  # 1.5 GB read strictly: 1.5e9 bytes is 1430 MiB (the table's unit).
  awk -v m="${gazette_mem[100000]}" 'BEGIN {
    printf "- 100k peak RSS ≤ 1.5 GB (1430 MiB): %s MiB: **%s**\n", m, (m <= 1430) ? "met" : "MISSED" }' >>"$checks"
fi

result=$(mktemp)
{
  echo "Run on $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, gazette $(git rev-parse --short HEAD), $(hugo version 2>/dev/null | cut -d' ' -f2 || echo 'no hugo'), RUNS=$RUNS."
  echo
  cat "$table"
  echo
  cat "$checks"
} >"$result"
cat "$result"
if [ -z "${NO_WRITE:-}" ] && grep -q '<!-- bench:start -->' BENCHMARKS.md 2>/dev/null; then
  awk -v file="$result" '
    /<!-- bench:start -->/ { print; while ((getline line < file) > 0) print line; skip = 1; next }
    /<!-- bench:end -->/ { skip = 0 }
    !skip' BENCHMARKS.md >BENCHMARKS.md.new && mv BENCHMARKS.md.new BENCHMARKS.md
  echo "(BENCHMARKS.md updated)"
fi
rm -f "$table" "$checks" "$result"
