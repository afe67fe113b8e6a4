#!/usr/bin/env node
// Runs themes/default/static/js/search.js under node against a built index, so the
// browser's own code is what tests and benchmarks measure.
//
//   node node_search.js terms            < ["query", ...]   prints [[term, ...], ...]
//   node node_search.js highlight        < [[text, query, windowed], ...]
//                                          prints ["text with [marks]", ...]
//   node node_search.js query SITE_DIR Q...                 prints one JSON line per query
//
// `query` reports the total hits, the first page of results, and the files and
// bytes the query fetched (manifest, shards, document chunks, and the article pages
// read for snippets when the stored text has no match), cold cache each time.
"use strict";
const fs = require("fs");
const path = require("path");
const search = require(path.join(__dirname, "../../themes/default/static/js/search.js"));

const PAGE_SIZE = 10;

async function runQuery(siteDir, query) {
  const fetched = [];
  const fetchBytes = async (url) => {
    const file = path.join(siteDir, url.replace(/\?.*$/, ""));
    const bytes = new Uint8Array(fs.readFileSync(file));
    fetched.push({ file: url.replace(/\?.*$/, ""), bytes: bytes.length });
    return bytes;
  };
  const engine = new search.Engine("/search/", fetchBytes);
  const result = await engine.search(query);
  const page = result.hits.slice(0, PAGE_SIZE).map((h) => h.doc);
  const records = await engine.documents(page);
  const top = records.map((r) => {
    let snippet = search.highlight(r.text, query, true);
    if (!search.hasMark(snippet) && !search.hasMark(search.highlight(r.title, query, false))) {
      // What the page does: read the article itself for a snippet with the match.
      const file = path.join(siteDir, decodeURIComponent(r.url), "index.html");
      if (fs.existsSync(file)) {
        const html = fs.readFileSync(file, "utf8");
        fetched.push({ file: r.url, bytes: Buffer.byteLength(html) });
        const text = html.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
        const better = search.highlight(text, query, true);
        if (search.hasMark(better)) snippet = better;
      } else {
        fetched.push({ file: r.url, bytes: 0, missing: true });
      }
    }
    return {
      url: r.url,
      title: r.title,
      snippet: snippet.map((s) => (s.mark ? "[" + s.text + "]" : s.text)).join(""),
    };
  });
  const sum = (files) => files.reduce((total, f) => total + f.bytes, 0);
  return {
    query,
    terms: result.terms,
    hits: result.hits.length,
    top,
    files: fetched.length,
    bytes: sum(fetched),
    shardBytes: sum(fetched.filter((f) => f.file.includes("/terms/"))),
    docBytes: sum(fetched.filter((f) => f.file.includes("/docs/"))),
    pages: fetched.filter((f) => !f.file.startsWith("/search/")).length,
    pageBytes: sum(fetched.filter((f) => !f.file.startsWith("/search/"))),
  };
}

async function main() {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode === "terms") {
    const inputs = JSON.parse(fs.readFileSync(0, "utf8"));
    process.stdout.write(JSON.stringify(inputs.map((q) => search.queryTerms(q))));
  } else if (mode === "highlight") {
    const inputs = JSON.parse(fs.readFileSync(0, "utf8"));
    const marked = inputs.map(([text, query, windowed]) => search.highlight(text, query, windowed)
      .map((s) => (s.mark ? "[" + s.text + "]" : s.text)).join(""));
    process.stdout.write(JSON.stringify(marked));
  } else if (mode === "query") {
    const [siteDir, ...queries] = rest;
    for (const q of queries) process.stdout.write(JSON.stringify(await runQuery(siteDir, q)) + "\n");
  } else {
    process.stderr.write("usage: node_search.js terms | highlight | query SITE_DIR QUERY...\n");
    process.exit(2);
  }
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack || error) + "\n");
  process.exit(1);
});
