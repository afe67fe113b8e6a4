// gazette serve: live reload. Served only by `gazette serve` and injected only
// into the HTML it serves; `gazette build` output never contains it.
(function () {
  "use strict";
  var OVERLAY_ID = "__gazette_problems";
  var generation = null;
  var source = new EventSource("/__livereload");
  // For tests and the curious: whether the stream is up.
  var status = (window.__gazetteLiveReload = { connected: false });

  function on(name, handle) {
    source.addEventListener(name, function (event) {
      handle(JSON.parse(event.data));
    });
  }

  // A reconnect after a restart or a missed rebuild brings a new generation.
  on("hello", function (data) {
    if (generation !== null && data.generation !== generation) location.reload();
    generation = data.generation;
    status.connected = true;
  });
  on("reload", function () {
    location.reload();
  });
  on("css", function (data) {
    swapStylesheets(data.paths);
  });
  on("problems", function (data) {
    showProblems(data.problems, data.published);
  });
  window.addEventListener("beforeunload", function () {
    source.close();
  });

  // Loads each changed stylesheet again under a fresh query and drops the old
  // <link> only once the new one has loaded, so the page never flashes unstyled.
  function swapStylesheets(paths) {
    var links = Array.prototype.slice.call(
      document.querySelectorAll('link[rel~="stylesheet"]')
    );
    var changed = links.filter(function (link) {
      var path = new URL(link.href, location.href).pathname;
      return paths.some(function (p) {
        return path.slice(-p.length - 1) === "/" + p;
      });
    });
    (changed.length ? changed : links).forEach(function (link) {
      var url = new URL(link.href, location.href);
      url.searchParams.set("livereload", Date.now());
      var fresh = link.cloneNode();
      fresh.href = url.href;
      fresh.addEventListener("load", function () {
        link.remove();
      });
      fresh.addEventListener("error", function () {
        link.remove();
      });
      link.after(fresh);
    });
  }

  // Every message is set as text, never parsed as HTML: it can quote a post.
  function showProblems(problems, published) {
    var old = document.getElementById(OVERLAY_ID);
    if (old) old.remove();
    if (!problems.length) return;
    var box = document.createElement("div");
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alert");
    box.style.cssText =
      "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
      "margin:0;padding:1em 1.2em;background:#3b0d0d;color:#fff;" +
      "font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;" +
      "box-shadow:0 -4px 16px rgba(0,0,0,.4);white-space:pre-wrap;";
    var close = document.createElement("button");
    close.textContent = "×";
    close.title = "Hide (fixing the file clears it too)";
    close.style.cssText =
      "float:right;font-size:20px;background:none;border:0;color:#fff;cursor:pointer;";
    close.addEventListener("click", function () {
      box.remove();
    });
    box.appendChild(close);
    var title = document.createElement("strong");
    title.textContent = published
      ? "gazette: problems in the files you changed"
      : "gazette: not rebuilt; the last good site is still served";
    box.appendChild(title);
    problems.forEach(function (p) {
      var line = document.createElement("div");
      var where = p.path + (p.line ? ":" + p.line + (p.column ? ":" + p.column : "") : "");
      line.textContent = where + ": " + p.severity + ": " + p.message;
      line.style.marginTop = ".6em";
      box.appendChild(line);
    });
    document.body.appendChild(box);
  }
})();
