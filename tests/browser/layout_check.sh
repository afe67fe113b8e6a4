#!/usr/bin/env bash
# The default theme in headless Chromium: every kind of page, at 390 px (a
# phone) and 1440 px (a desktop), must not scroll sideways.
#
#   tests/browser/layout_check.sh SITE_DIR
#
# Pages come from scripts/sample-pages.py (every kind at least once). A probe
# page served beside the site loads each one into an iframe of the given width
# and compares the document's scroll width with its viewport. Needs chromium
# and python3. Prints the offenders and exits non-zero when there are any.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
site=${1:?usage: layout_check.sh SITE_DIR}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "layout_check: chromium not found (apt-get install -y chromium)" >&2; exit 2; }

work=$(mktemp -d)
probe="$site/.layout-probe.html"
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work" "$probe"' EXIT

pages=$("$here/../../scripts/sample-pages.py" "$site" 3 2>/dev/null | grep -v '^search/' \
  | python3 -c 'import json, sys, urllib.parse; print(json.dumps(["/" + urllib.parse.quote(l.strip().removesuffix("index.html")) for l in sys.stdin if l.strip()]))')
cat >"$probe" <<HTML
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>layout probe</title></head>
<body><pre id="out">running</pre><script>
var pages = $pages, widths = [390, 1440], jobs = [], found = [], checked = 0;
pages.forEach(function (p) { widths.forEach(function (w) { jobs.push([p, w]); }); });
function next() {
  if (!jobs.length) {
    document.getElementById("out").textContent = "checked " + checked + " page loads\n" + found.join("\n");
    document.getElementById("out").setAttribute("data-done", "");
    return;
  }
  var job = jobs.shift(), frame = document.createElement("iframe");
  frame.style.cssText = "border:0;height:900px;width:" + job[1] + "px";
  var measured = false;
  var measure = function () {
    if (measured) return;
    measured = true;
    var doc = frame.contentDocument.documentElement;
    checked++;
    if (doc.scrollWidth > doc.clientWidth) {
      found.push("WIDE " + job[1] + "px " + job[0] + " scrollWidth=" + doc.scrollWidth);
    }
    frame.remove();
    next();
  };
  frame.onload = measure;
  // A page that embeds a video player never finishes loading here: the player's
  // host is unreachable offline. Its layout is settled long before, so measure
  // it after a while anyway.
  setTimeout(measure, 5000);
  frame.src = job[0];
  document.body.appendChild(frame);
}
next();
</script></body></html>
HTML

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$site" >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null && break
  sleep 0.1
done
dom=$(timeout 300 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1" \
  --user-data-dir="$work/profile" --virtual-time-budget=120000 --dump-dom \
  "http://127.0.0.1:$port/.layout-probe.html" 2>/dev/null || true)
report=$(printf '%s' "$dom" | python3 -c 'import re, sys
m = re.search(r"<pre id=\"out\" data-done=\"\">(.*?)</pre>", sys.stdin.read(), re.S)
print(m.group(1).strip() if m else "")')
[ -n "$report" ] || { echo "layout_check: the probe did not finish" >&2; exit 1; }
printf '%s\n' "$report"
! printf '%s\n' "$report" | grep -q '^WIDE'
