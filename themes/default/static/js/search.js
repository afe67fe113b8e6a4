/* gazette offline search: queries the static index that `gazette build` writes
 * under search/ (format: src/search/mod.rs). No dependencies, no other hosts.
 *
 * The tokenizer below must stay identical to src/search/tokenize.rs; the test
 * tests/search_js.rs runs both on the same inputs. This file is also a CommonJS
 * module so node can load it for that test and for benchmarks.
 */
(function (global) {
  "use strict";

  var FORMAT_VERSION = 1;
  var PAGE_SIZE = 10;
  var SNIPPET_BEFORE = 30;
  var SNIPPET_LENGTH = 120;
  var DEFAULT_MAX_WORD = 32;
  var WORD_CHAR = /[\p{Alphabetic}\p{N}]/u;
  var FULLWIDTH = /[\uFF01-\uFF5E]/g;
  var CLAUSE_END = /[\s。！？；，、.!?;,]/;
  var CJK_RANGES = [
    [0x1100, 0x11ff], [0x3005, 0x3007], [0x3041, 0x309f], [0x30a1, 0x30fa],
    [0x30fc, 0x30ff], [0x3130, 0x318f], [0x31f0, 0x31ff], [0x3400, 0x4dbf],
    [0x4e00, 0x9fff], [0xa960, 0xa97f], [0xac00, 0xd7ff], [0xf900, 0xfaff],
    [0xff66, 0xff9f], [0x20000, 0x3134f]
  ];

  // ---- tokenizer (mirror of src/search/tokenize.rs) ----

  function isCjk(codePoint) {
    for (var i = 0; i < CJK_RANGES.length; i++) {
      if (codePoint >= CJK_RANGES[i][0] && codePoint <= CJK_RANGES[i][1]) return true;
    }
    return false;
  }

  function normalize(text) {
    return text.replace(FULLWIDTH, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    }).toLowerCase();
  }

  /** Maximal runs of CJK characters or of other letters/digits, as code-point arrays. */
  function runs(normalized) {
    var out = [];
    var current = null;
    for (var ch of normalized) {
      var kind = isCjk(ch.codePointAt(0)) ? "cjk" : WORD_CHAR.test(ch) ? "word" : null;
      if (current && current.kind === kind) {
        current.chars.push(ch);
      } else {
        current = kind ? { kind: kind, chars: [ch] } : null;
        if (current) out.push(current);
      }
    }
    return out;
  }

  /** The distinct terms a query looks up, in query order. */
  function queryTerms(query, maxWord) {
    var limit = maxWord || DEFAULT_MAX_WORD;
    var terms = [];
    function add(term) {
      if (terms.indexOf(term) < 0) terms.push(term);
    }
    runs(normalize(query)).forEach(function (run) {
      if (run.kind === "word") {
        add(run.chars.slice(0, limit).join(""));
      } else if (run.chars.length === 1) {
        add(run.chars[0]);
      } else {
        for (var i = 0; i + 1 < run.chars.length; i++) add(run.chars[i] + run.chars[i + 1]);
      }
    });
    return terms;
  }

  var encoder = new TextEncoder();

  function fnv1a32(bytes) {
    var hash = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      hash = Math.imul(hash ^ bytes[i], 0x01000193) >>> 0;
    }
    return hash >>> 0;
  }

  function shardOf(term, shardCount) {
    return fnv1a32(encoder.encode(term)) % shardCount;
  }

  // ---- index reading ----

  function Reader(bytes, at) {
    this.bytes = bytes;
    this.at = at;
  }

  Reader.prototype.varint = function () {
    var value = 0;
    var scale = 1;
    for (;;) {
      if (this.at >= this.bytes.length) throw new Error("truncated search shard");
      var b = this.bytes[this.at++];
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
  };

  function sameBytes(bytes, at, wanted) {
    if (at + wanted.length > bytes.length) return false;
    for (var i = 0; i < wanted.length; i++) if (bytes[at + i] !== wanted[i]) return false;
    return true;
  }

  /** The posting list of `term` in a shard: ascending ids and per-id title flags. */
  function findPostings(shard, term) {
    var wanted = encoder.encode(term);
    if (!sameBytes(shard, 0, [0x47, 0x5a, 0x53, 0x31])) throw new Error("not a gazette search shard");
    var reader = new Reader(shard, 4);
    var count = reader.varint();
    for (var t = 0; t < count; t++) {
      var length = reader.varint();
      var match = length === wanted.length && sameBytes(shard, reader.at, wanted);
      reader.at += length;
      var docs = reader.varint();
      var header = reader.varint();
      var payload = Math.floor(header / 2);
      if (!match) {
        reader.at += payload;
        continue;
      }
      var end = reader.at + payload;
      return header % 2 ? readBitmap(reader, docs, end) : readDeltas(reader, docs);
    }
    return null;
  }

  function readDeltas(reader, docs) {
    var ids = new Uint32Array(docs);
    var titles = new Uint8Array(docs);
    var next = 0;
    for (var i = 0; i < docs; i++) {
      var v = reader.varint();
      var id = next + Math.floor(v / 2);
      ids[i] = id;
      titles[i] = v % 2;
      next = id + 1;
    }
    return { ids: ids, titles: titles };
  }

  function readBitmap(reader, docs, end) {
    var length = reader.varint();
    var bytes = reader.bytes;
    var ids = new Uint32Array(docs);
    var titles = new Uint8Array(docs);
    var n = 0;
    for (var b = 0; b < length && n < docs; b++) {
      var byte = bytes[reader.at + b];
      for (var bit = 0; byte && bit < 8; bit++, byte >>= 1) {
        if (byte & 1 && n < docs) ids[n++] = b * 8 + bit;
      }
    }
    reader.at += length;
    var next = 0;
    var k = 0;
    while (reader.at < end) {
      var title = next + reader.varint();
      next = title + 1;
      while (k < n && ids[k] < title) k++;
      if (k < n && ids[k] === title) titles[k] = 1;
    }
    return { ids: ids.subarray(0, n), titles: titles.subarray(0, n) };
  }

  /** Documents in every list; `score` counts the terms found in the title. */
  function intersect(lists) {
    lists = lists.slice().sort(function (a, b) { return a.ids.length - b.ids.length; });
    var ids = lists[0].ids;
    var score = Uint8Array.from(lists[0].titles);
    for (var l = 1; l < lists.length; l++) {
      var other = lists[l];
      var keptIds = [];
      var keptScore = [];
      var j = 0;
      for (var i = 0; i < ids.length; i++) {
        while (j < other.ids.length && other.ids[j] < ids[i]) j++;
        if (j === other.ids.length) break;
        if (other.ids[j] === ids[i]) {
          keptIds.push(ids[i]);
          keptScore.push(score[i] + other.titles[j]);
        }
      }
      ids = keptIds;
      score = keptScore;
    }
    var hits = [];
    for (var k = 0; k < ids.length; k++) hits.push({ doc: ids[k], score: score[k] });
    // Ids are numbered newest first: title matches first, then recency.
    hits.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    return hits;
  }

  /**
   * Queries an index under `base` (e.g. "/search/"). `fetchBytes(url, fresh)`
   * resolves to a Uint8Array; `fresh` asks to bypass the HTTP cache.
   */
  function Engine(base, fetchBytes) {
    this.base = base;
    this.fetchBytes = fetchBytes;
    this.manifestPromise = null;
    this.files = new Map();
  }

  Engine.prototype.manifest = function () {
    if (!this.manifestPromise) {
      this.manifestPromise = this.fetchBytes(this.base + "index.json", true).then(function (bytes) {
        var manifest = JSON.parse(new TextDecoder().decode(bytes));
        if (manifest.version !== FORMAT_VERSION) {
          throw new Error("search index format " + manifest.version + ", expected " + FORMAT_VERSION);
        }
        return manifest;
      });
    }
    return this.manifestPromise;
  };

  Engine.prototype.file = function (path, manifest) {
    if (!this.files.has(path)) {
      this.files.set(path, this.fetchBytes(this.base + path + "?v=" + manifest.build, false));
    }
    return this.files.get(path);
  };

  /** Ranked hits for `query`: `{terms, hits: [{doc, score}]}`. */
  Engine.prototype.search = async function (query) {
    var manifest = await this.manifest();
    var terms = queryTerms(query, manifest.max_word);
    if (terms.length === 0) return { terms: terms, hits: [] };
    var self = this;
    var lists = await Promise.all(terms.map(async function (term) {
      var shard = await self.file("terms/" + shardOf(term, manifest.shards) + ".bin", manifest);
      return findPostings(shard, term);
    }));
    if (lists.some(function (list) { return !list; })) return { terms: terms, hits: [] };
    return { terms: terms, hits: intersect(lists) };
  };

  /** Records `{doc, url, title, date, source, text}` for document ids. */
  Engine.prototype.documents = async function (ids) {
    var manifest = await this.manifest();
    var self = this;
    return Promise.all(ids.map(async function (id) {
      var chunk = Math.floor(id / manifest.chunk);
      var bytes = await self.file("docs/" + chunk + ".json", manifest);
      if (!self.files.has("parsed:" + chunk)) {
        self.files.set("parsed:" + chunk, JSON.parse(new TextDecoder().decode(bytes)));
      }
      var row = self.files.get("parsed:" + chunk)[id % manifest.chunk] || ["", "", "", "", ""];
      return { doc: id, url: row[0], title: row[1], date: row[2], source: row[3], text: row[4] };
    }));
  };

  // ---- highlighting (pure: returns segments; the DOM code below renders them) ----

  /** What to mark for a query: whole runs first (longest wins), then CJK bigrams. */
  function needles(query) {
    var out = [];
    runs(normalize(query)).forEach(function (run) {
      out.push({ text: run.chars.join(""), word: run.kind === "word" });
      if (run.kind === "cjk") {
        for (var i = 0; i + 1 < run.chars.length; i++) {
          out.push({ text: run.chars[i] + run.chars[i + 1], word: false });
        }
      }
    });
    return out.sort(function (a, b) { return b.text.length - a.text.length; });
  }

  /** Marked code-point ranges `[start, end)` of `chars` (an array of code points). */
  function matchRanges(chars, wanted) {
    var normalized = "";
    var owner = [];
    chars.forEach(function (ch, index) {
      var n = normalize(ch);
      for (var k = 0; k < n.length; k++) owner.push(index);
      normalized += n;
    });
    var taken = new Uint8Array(chars.length);
    var ranges = [];
    wanted.forEach(function (needle) {
      if (!needle.text) return;
      var from = 0;
      for (;;) {
        var at = normalized.indexOf(needle.text, from);
        if (at < 0) break;
        from = at + 1;
        var end = at + needle.text.length;
        if (needle.word && (isWordAt(normalized, at - 1) || isWordAt(normalized, end))) continue;
        var start = owner[at];
        var stop = owner[end - 1] + 1;
        var free = true;
        for (var i = start; i < stop; i++) if (taken[i]) free = false;
        if (!free) continue;
        for (var j = start; j < stop; j++) taken[j] = 1;
        ranges.push([start, stop]);
      }
    });
    return ranges.sort(function (a, b) { return a[0] - b[0]; });
  }

  function isWordAt(text, index) {
    if (index < 0 || index >= text.length) return false;
    var ch = text[index];
    return WORD_CHAR.test(ch) && !isCjk(ch.codePointAt(0));
  }

  /** `text` (or a window of it around the first match) as `{text, mark}` segments. */
  function highlight(text, query, windowed) {
    var chars = Array.from(text || "");
    var ranges = matchRanges(chars, needles(query));
    var start = 0;
    var end = chars.length;
    if (windowed) {
      var first = ranges.length ? ranges[0][0] : 0;
      start = Math.max(0, first - SNIPPET_BEFORE);
      // Begin after the first sentence, clause or word break in the lead-in.
      for (var i = start + 1; i <= first && start > 0; i++) {
        if (CLAUSE_END.test(chars[i - 1])) {
          start = i;
          break;
        }
      }
      end = Math.min(chars.length, start + SNIPPET_LENGTH);
    }
    var segments = [];
    if (start > 0) segments.push({ text: "…", mark: false });
    var at = start;
    ranges.forEach(function (range) {
      var from = Math.max(range[0], start);
      var to = Math.min(range[1], end);
      if (from >= to) return;
      if (from > at) segments.push({ text: chars.slice(at, from).join(""), mark: false });
      segments.push({ text: chars.slice(from, to).join(""), mark: true });
      at = to;
    });
    if (at < end) segments.push({ text: chars.slice(at, end).join(""), mark: false });
    if (windowed && end < chars.length) segments.push({ text: "…", mark: false });
    return segments;
  }

  // ---- the page ----

  function appendSegments(doc, parent, segments) {
    segments.forEach(function (segment) {
      if (segment.mark) {
        var mark = doc.createElement("mark");
        mark.textContent = segment.text;
        parent.appendChild(mark);
      } else {
        parent.appendChild(doc.createTextNode(segment.text));
      }
    });
  }

  function resultItem(doc, record, query, root, articleSelector) {
    var item = doc.createElement("li");
    item.className = "search-result";
    var heading = doc.createElement("h2");
    var link = doc.createElement("a");
    link.href = root + String(record.url).replace(/^\//, "");
    appendSegments(doc, link, highlight(record.title, query, false));
    heading.appendChild(link);
    item.appendChild(heading);
    var meta = doc.createElement("p");
    meta.className = "search-meta";
    var time = doc.createElement("time");
    time.textContent = record.date;
    meta.appendChild(time);
    if (record.source) {
      var source = doc.createElement("span");
      source.className = "search-source";
      source.textContent = record.source;
      meta.appendChild(doc.createTextNode(" · "));
      meta.appendChild(source);
    }
    item.appendChild(meta);
    var snippet = doc.createElement("p");
    snippet.className = "search-snippet";
    var segments = highlight(record.text, query, true);
    appendSegments(doc, snippet, segments);
    item.appendChild(snippet);
    if (!hasMark(segments) && !hasMark(highlight(record.title, query, false))) {
      // The match is past the stored beginning of the text: read the article
      // itself, for this result only, and show the passage around the match.
      articleText(link.href, articleSelector).then(function (text) {
        var better = highlight(text, query, true);
        if (!hasMark(better)) return;
        while (snippet.firstChild) snippet.removeChild(snippet.firstChild);
        appendSegments(doc, snippet, better);
      }).catch(function () { /* keep the stored beginning */ });
    }
    return item;
  }

  function hasMark(segments) {
    return segments.some(function (segment) { return segment.mark; });
  }

  /** The text of an article page's body; DOMParser runs no scripts and loads nothing. */
  function articleText(url, selector) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + ": HTTP " + response.status);
      return response.text();
    }).then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var body = page.querySelector(selector) || page.body;
      return body ? body.textContent.replace(/\s+/g, " ").trim() : "";
    });
  }

  function message(box, key, count) {
    return (box.getAttribute("data-msg-" + key) || key).replace("{n}", String(count));
  }

  function browserFetch(url, fresh) {
    return fetch(url, fresh ? { cache: "no-cache" } : {}).then(function (response) {
      if (!response.ok) throw new Error(url + ": HTTP " + response.status);
      return response.arrayBuffer();
    }).then(function (buffer) { return new Uint8Array(buffer); });
  }

  async function boot(doc, location) {
    var box = doc.getElementById("search");
    if (!box) return;
    var input = doc.getElementById("search-input");
    var status = doc.getElementById("search-status");
    var list = doc.getElementById("search-results");
    var more = doc.getElementById("search-more");
    var query = new URLSearchParams(location.search).get("q") || "";
    if (input) input.value = query;
    if (!query.trim()) return;
    var root = box.getAttribute("data-root") || "/";
    var selector = box.getAttribute("data-article-selector") || "article";
    var engine = new Engine(box.getAttribute("data-index") || root + "search/", browserFetch);
    status.textContent = message(box, "searching", 0);
    try {
      var result = await engine.search(query);
      var shown = 0;
      var showMore = async function () {
        var page = result.hits.slice(shown, shown + PAGE_SIZE).map(function (h) { return h.doc; });
        var records = await engine.documents(page);
        records.forEach(function (record) {
          list.appendChild(resultItem(doc, record, query, root, selector));
        });
        shown += page.length;
        if (more) more.hidden = shown >= result.hits.length;
      };
      status.textContent = result.hits.length
        ? message(box, "count", result.hits.length)
        : message(box, "none", 0);
      if (more) more.addEventListener("click", showMore);
      await showMore();
    } catch (error) {
      status.textContent = message(box, "error", 0);
      if (global.console) global.console.error(error);
    }
  }

  var api = {
    normalize: normalize,
    queryTerms: queryTerms,
    fnv1a32: fnv1a32,
    shardOf: shardOf,
    findPostings: findPostings,
    intersect: intersect,
    highlight: highlight,
    hasMark: hasMark,
    Engine: Engine,
    boot: boot
  };
  if (typeof module === "object" && module.exports) module.exports = api;
  if (typeof document !== "undefined" && typeof location !== "undefined") {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { boot(document, location); });
    } else {
      boot(document, location);
    }
  }
})(typeof globalThis !== "undefined" ? globalThis : this);
