#!/usr/bin/env bash
# Runs the cargo-fuzz targets one after another, each for SECONDS (default 600),
# seeded from ../shared/corpus (copied into fuzz/corpus at run time, never committed).
#
#   scripts/fuzz.sh                 # every target, 10 minutes each
#   SECONDS_EACH=60 scripts/fuzz.sh date slug
#
# Only stable Rust is installed: RUSTC_BOOTSTRAP=1 lets it take the -Z flags
# cargo-fuzz passes. Logs go to fuzz/logs/<target>.log (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
export RUSTC_BOOTSTRAP=1
seconds=${SECONDS_EACH:-600}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(frontmatter date clean slug markdown)
shared=../../shared
posts=()
for dir in "$shared/corpus/rsshub-page" "$shared/seeds" ../content; do
    [ -d "$dir" ] && posts+=("$dir")
done

seed() {
    local target=$1 out=corpus/$1
    mkdir -p "$out"
    case $target in
    frontmatter | clean | markdown)
        find "${posts[@]}" -type f \( -name '*.md' -o -name '*.txt' \) -print0 |
            while IFS= read -r -d '' f; do cp "$f" "$out/$(sha1sum <"$f" | cut -c1-16)"; done
        ;;
    date | slug)
        local key=date
        [ "$target" = slug ] && key=title
        find "${posts[@]}" -type f \( -name '*.md' -o -name '*.txt' \) -print0 |
            xargs -0 grep -h -E "^$key:" | sed -E "s/^$key:[[:space:]]*//" |
            while IFS= read -r value; do
                printf '%s' "$value" >"$out/$(printf '%s' "$value" | sha1sum | cut -c1-16)"
            done
        ;;
    esac
}

mkdir -p logs
cargo fuzz build -O
for target in "${targets[@]}"; do
    seed "$target"
    echo "== $target: ${seconds}s, $(ls "corpus/$target" | wc -l) seeds"
    cargo fuzz run -O "$target" -- -max_total_time="$seconds" -rss_limit_mb=2048 \
        -timeout=10 -max_len=262144 2>&1 | tee "logs/$target.log" | grep -E '^#[0-9]+.*(DONE|pulse)|ERROR|panicked|Done' || true
    grep -E '^(#[0-9]+[[:space:]]+DONE|Done )' "logs/$target.log" | tail -2 || true
done
