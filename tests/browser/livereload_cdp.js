// Drives headless Chromium over the DevTools protocol (on a pipe, so no
// WebSocket library is needed) to check that an open page updates by itself.
//
//   node livereload_cdp.js URL CONDITION reload|in-place
//
// Opens URL and prints "READY" once the page has loaded and its live-reload
// stream is connected. The caller then edits the site. The script prints
// "UPDATED" once the JavaScript expression CONDITION is true in the page, after
// the page reloaded itself (`reload`) or without any reload (`in-place`), or
// "FAILED <why>" and exits 1 (after 15 s at most).
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const [url, condition, mode] = process.argv.slice(2);
const browser = process.env.CHROMIUM || "chromium";
const profile = fs.mkdtempSync(path.join(os.tmpdir(), "gazette-cdp-"));
const chrome = spawn(
  browser,
  [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--remote-debugging-pipe", `--user-data-dir=${profile}`, "about:blank",
  ],
  { stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"] }
);
const toBrowser = chrome.stdio[3];
const fromBrowser = chrome.stdio[4];
// Writes racing the browser's exit at the end fail harmlessly.
toBrowser.on("error", () => {});

let nextId = 1;
const pending = new Map();
const listeners = [];
let buffered = Buffer.alloc(0);
fromBrowser.on("data", (chunk) => {
  buffered = Buffer.concat([buffered, chunk]);
  let end;
  while ((end = buffered.indexOf(0)) >= 0) {
    const message = JSON.parse(buffered.subarray(0, end).toString("utf8"));
    buffered = buffered.subarray(end + 1);
    if (message.id && pending.has(message.id)) {
      const { resolve, reject } = pending.get(message.id);
      pending.delete(message.id);
      message.error ? reject(new Error(JSON.stringify(message.error))) : resolve(message.result);
    } else if (message.method) {
      listeners.forEach((listen) => listen(message));
    }
  }
});

function send(method, params = {}, sessionId) {
  const id = nextId++;
  const message = { id, method, params };
  if (sessionId) message.sessionId = sessionId;
  toBrowser.write(JSON.stringify(message) + "\0");
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
}

function nextLoad(sessionId) {
  return new Promise((resolve) => {
    const listen = (m) => {
      if (m.method === "Page.loadEventFired" && m.sessionId === sessionId) {
        listeners.splice(listeners.indexOf(listen), 1);
        resolve();
      }
    };
    listeners.push(listen);
  });
}

let finished = false;
function finish(code, line) {
  if (finished) return;
  finished = true;
  console.log(line);
  const cleanUp = () => {
    try {
      fs.rmSync(profile, { recursive: true, force: true });
    } catch (e) {
      // A profile left in the temp folder is not worth failing over.
    }
    process.exit(code);
  };
  if (chrome.exitCode !== null || chrome.signalCode !== null) return cleanUp();
  chrome.once("exit", cleanUp);
  chrome.kill("SIGKILL");
}

setTimeout(() => finish(1, "FAILED timeout"), 15000);

(async () => {
  const { targetId } = await send("Target.createTarget", { url: "about:blank" });
  const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
  await send("Page.enable", {}, sessionId);
  let loaded = nextLoad(sessionId);
  await send("Page.navigate", { url }, sessionId);
  await loaded;
  // Ready once the page has its live-reload stream open.
  const connected = `new Promise((resolve) => {
    const poll = () => (window.__gazetteLiveReload || {}).connected
      ? resolve(true) : setTimeout(poll, 20);
    poll();
  })`;
  await send("Runtime.evaluate", { expression: connected, awaitPromise: true }, sessionId);
  let reloads = 0;
  listeners.push((m) => {
    if (m.method === "Page.loadEventFired" && m.sessionId === sessionId) reloads++;
  });
  console.log("READY");
  while (!finished) {
    await new Promise((r) => setTimeout(r, 50));
    if (finished) continue;
    if (mode === "in-place" && reloads) finish(1, "FAILED the page reloaded");
    if (mode === "reload" && !reloads) continue;
    const { result } = await send(
      "Runtime.evaluate",
      { expression: `Boolean(document.body && (${condition}))` },
      sessionId
    );
    if (result.value === true) finish(0, "UPDATED");
  }
})().catch((e) => finish(1, "FAILED " + e.message));
