#!/usr/bin/env python3
"""Times `gazette serve` from saving a post to the `reload` event.

Usage: serve_edit_latency.py PORT POST_FILE N   (a server must be running on PORT;
the post is saved N times with a marker appended, then restored)."""
import socket, sys, time, pathlib
port, post, n = int(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3])
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"GET /__livereload HTTP/1.0\r\nHost: x\r\n\r\n")
s.settimeout(30)
buf = b""
def wait_for(name):
    global buf
    while True:
        i = buf.find(b"event: " + name)
        if i >= 0:
            buf = buf[i + 7 + len(name):]
            return
        buf += s.recv(65536)
wait_for(b"hello")
original = post.read_text()
times = []
for k in range(n):
    post.write_text(original + f"\n<p>edit {k} {time.time()}</p>\n")
    t = time.time()
    wait_for(b"reload")
    times.append((time.time() - t) * 1000)
    time.sleep(0.3)
post.write_text(original)
times.sort()
print("edit -> reload event, ms: " + ", ".join(f"{x:.0f}" for x in times) + f"  (median {times[len(times)//2]:.0f})")
