#!/usr/bin/env bash
# Screenshots of the default theme in headless Chromium: the home page, an
# article and the archive, at 390 px (phone) and 1280 px (desktop), in light and
# dark mode, into docs/screenshots/*.png.
#
#   scripts/screenshots.sh [SITE_DIR]
#
# Without SITE_DIR it builds the demo content plus ../shared/corpus/rsshub-page
# (when present) into a temporary site. Needs chromium, python3, pngquant (to
# keep the PNGs small) and a CJK font (Debian: fonts-noto-cjk).
#
# The archive hotlinks its images from the news sites. So that the pictures look
# like pictures on a machine without internet access, every host other than the
# site itself is answered locally with a neutral placeholder image; the theme
# itself never loads anything from another host.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/screenshots
mkdir -p "$out"
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "screenshots: chromium not found (apt-get install -y chromium)" >&2; exit 2; }
fc-list :lang=zh family | grep -q . || echo "screenshots: warning: no CJK font installed (apt-get install -y fonts-noto-cjk)" >&2

work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

site=${1:-}
if [ -z "$site" ]; then
  mkdir -p "$work/src/content"
  cp -r content/. "$work/src/content/"
  [ -d ../shared/corpus/rsshub-page ] && cp -r ../shared/corpus/rsshub-page "$work/src/content/corpus"
  # From the repository root, so the theme is read from themes/default on disk.
  cargo run -q -- build --content "$work/src/content" --future --drafts --output "$work/site" --quiet
  site=$work/site
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# A throwaway certificate, so https:// image hosts get the placeholder too
# (Chromium runs with --ignore-certificate-errors, for these screenshots only).
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=placeholder \
  -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1
cat >"$work/serve.py" <<'PY'
import hashlib, http.server, socket, ssl, sys
port, root, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
tls.load_cert_chain(cert, key)
class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k):
        super().__init__(*a, directory=root, **k)
    def log_message(self, *a):
        pass
    def do_GET(self):
        host = (self.headers.get("Host") or "").split(":")[0]
        if host in ("127.0.0.1", "localhost"):
            return super().do_GET()
        # A stand-in for a remote image: a soft two-tone gradient keyed by the URL.
        h = hashlib.blake2b(self.path.encode(), digest_size=6).digest()
        hue = h[0] * 360 // 256
        svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="1024" height="640" viewBox="0 0 1024 640">'
               '<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">'
               f'<stop offset="0" stop-color="hsl({hue},38%,62%)"/><stop offset="1" stop-color="hsl({(hue+40)%360},42%,38%)"/>'
               '</linearGradient></defs><rect width="1024" height="640" fill="url(#g)"/>'
               f'<circle cx="{300 + h[1]}" cy="{220 + h[2] // 2}" r="{90 + h[3] // 3}" fill="hsl({hue},60%,85%)" fill-opacity=".35"/>'
               '<path d="M0 520 L260 330 L470 470 L690 280 L1024 560 L1024 640 L0 640Z" fill="#000" fill-opacity=".18"/></svg>').encode()
        self.send_response(200)
        self.send_header("Content-Type", "image/svg+xml")
        self.send_header("Content-Length", str(len(svg)))
        self.end_headers()
        self.wfile.write(svg)
class Server(http.server.ThreadingHTTPServer):
    def finish_request(self, request, client_address):
        # One port for both: a TLS ClientHello starts with byte 0x16.
        try:
            first = request.recv(1, socket.MSG_PEEK)
            if first == b"\x16":
                request = tls.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            return
        super().finish_request(request, client_address)
Server(("127.0.0.1", port), Handler).serve_forever()
PY
python3 "$work/serve.py" "$port" "$site" "$work/cert.pem" "$work/key.pem" &
server=$!
for _ in $(seq 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null && break
  sleep 0.1
done

# The article: the corpus's Aliyun story when present, else the newest article.
article=$(cd "$site" && { find . -path '*阿里云捅了*' -name index.html; find . -path './2*' -name index.html | sort -r; } | head -1) || true
article_url=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1][1:-len("index.html")]))' "$article")

shoot() { # name url width height scheme
  local name=$1 url=$2 width=$3 height=$4 scheme=$5 raw="$work/$1.png"
  local dark=()
  [ "$scheme" = dark ] && dark=(--force-dark-mode --blink-settings=preferredColorScheme=0)
  "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --no-first-run --hide-scrollbars \
    --user-data-dir="$work/profile" \
    --host-resolver-rules="MAP * 127.0.0.1:$port" --ignore-certificate-errors \
    "${dark[@]}" --window-size="$width,$height" --virtual-time-budget=3000 \
    --screenshot="$raw" "http://127.0.0.1:$port$url" >/dev/null 2>&1
  if command -v pngquant >/dev/null; then
    pngquant --quality=60-95 --strip --force --output "$out/$name.png" "$raw" || cp "$raw" "$out/$name.png"
  else
    cp "$raw" "$out/$name.png"
  fi
  echo "screenshots: $out/$name.png ($(du -k "$out/$name.png" | cut -f1) KB)"
}

for scheme in light dark; do
  shoot "home-390-$scheme" / 390 1500 "$scheme"
  shoot "home-1280-$scheme" / 1280 1100 "$scheme"
  shoot "article-390-$scheme" "$article_url" 390 1700 "$scheme"
  shoot "article-1280-$scheme" "$article_url" 1280 1300 "$scheme"
  shoot "archive-390-$scheme" /archives/ 390 1500 "$scheme"
  shoot "archive-1280-$scheme" /archives/ 1280 1100 "$scheme"
done
