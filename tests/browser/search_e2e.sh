#!/usr/bin/env bash
# End-to-end test of the offline search page in headless Chromium.
#
#   tests/browser/search_e2e.sh SITE_DIR [EXPECTED_TITLE]
#
# SITE_DIR is a built site whose root holds search/index.html (the search page),
# search/index.json (the index) and js/search.js; it must contain the real corpus
# article "发现问题先报美国，阿里云捅了一个天大的篓子！" (or pass another
# EXPECTED_TITLE matching every query below). Either build a site with
# `gazette build` from ../shared/corpus, or write a fixture site:
#
#   GAZETTE_FIXTURE_OUT=/tmp/search-site cargo test --test search_fixture -- --ignored
#   tests/browser/search_e2e.sh /tmp/search-site
#
# Needs python3 (to serve the site on 127.0.0.1) and Debian's `chromium`
# (`apt-get install -y chromium`). Exits non-zero on the first failed query.
set -euo pipefail

site=${1:?usage: search_e2e.sh SITE_DIR [EXPECTED_TITLE]}
expected=${2:-阿里云捅了一个天大的篓子}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "search_e2e: chromium not found (apt-get install -y chromium)" >&2; exit 2; }
[ -f "$site/search/index.html" ] || { echo "search_e2e: $site/search/index.html missing" >&2; exit 2; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$site" >/dev/null 2>&1 &
server=$!
profile=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$profile"' EXIT
for _ in $(seq 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/search/index.json')" 2>/dev/null && break
  sleep 0.1
done

# query | highlight that must appear in the results (case-insensitive). LOG4J's
# match lies past the stored text, so its snippet comes from the article page.
cases=(
  "篓子|<mark>篓子</mark>"
  "LOG4J|<mark>log4j</mark>"
  "阿里云|<mark>阿里云</mark>"
)
failed=0
for case in "${cases[@]}"; do
  query=${case%%|*}
  mark=${case#*|}
  encoded=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$query")
  dom=$(timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --virtual-time-budget=15000 --dump-dom \
    "http://127.0.0.1:$port/search/?q=$encoded" 2>/dev/null || true)
  results=$(printf '%s' "$dom" | grep -o '<li class="search-result">' | wc -l)
  if ! printf '%s' "$dom" | grep -q 'class="search-result"'; then
    echo "FAIL $query: no results rendered"; failed=1
  elif ! printf '%s' "$dom" | sed 's/<[^>]*>//g' | grep -qF "$expected"; then
    echo "FAIL $query: \"$expected\" not among $results results"; failed=1
  elif ! printf '%s' "$dom" | grep -qiF "$mark"; then
    echo "FAIL $query: no $mark in results"; failed=1
  else
    echo "ok   $query: $results results, \"$expected\" found"
  fi
done
exit "$failed"
