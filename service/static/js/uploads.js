// The upload view: drop or pick scans, follow each document's pages live, open the finished ones.

import { ApiError, getJson, plainWords, upload } from "./api.js";

const LIST_ITEM = "gongwen.documents";
const POLL_MS = 1000;
const QUEUED_PER_ROUND = 4; // a batch of 200 waits its turn without 200 requests a second
const ENDED = new Set(["finished", "failed", "canceled", "rejected"]);

let documents = []; // {key, id, filename, status, done, total, error}
let polling = false;
let uploadChain = Promise.resolve();
let counter = 0;

function save() {
  const kept = documents
    .filter((d) => d.id || d.error)
    .map(({ id, filename, error, split }) => ({ id, filename, error, split }));
  sessionStorage.setItem(LIST_ITEM, JSON.stringify(kept));
}

function load() {
  try {
    const kept = JSON.parse(sessionStorage.getItem(LIST_ITEM) || "[]");
    documents = kept.map((d) => ({
      key: ++counter, id: d.id, filename: d.filename, error: d.error || null, split: Boolean(d.split),
      status: d.error ? "rejected" : "queued", done: 0, total: 0,
    }));
  } catch {
    documents = [];
  }
}

function stateWords(doc) {
  switch (doc.status) {
    case "uploading": return "Uploading…";
    case "queued": return "Waiting for a worker…";
    case "started":
      return doc.total ? `Reading page ${Math.min(doc.done + 1, doc.total)} of ${doc.total}…` : "Reading…";
    case "finished": return "Done";
    default: return doc.error ? doc.error.text : "Failed";
  }
}

function row(doc) {
  const li = document.createElement("li");
  li.className = "doc";
  li.dataset.status = doc.status;
  if (doc.id) li.dataset.id = doc.id;

  const name = document.createElement("span");
  name.className = "name";
  name.textContent = doc.filename;
  name.title = doc.filename;

  const state = document.createElement("span");
  state.className = "state";
  state.textContent = stateWords(doc);
  if (doc.error && doc.error.detail) { // the server's own words, for whoever gets asked about it
    const detail = document.createElement("small");
    detail.className = "detail";
    detail.textContent = `Details: ${doc.error.detail}`;
    state.append(detail);
  }

  const bar = document.createElement("progress");
  bar.max = Math.max(doc.total, 1);
  bar.value = doc.status === "finished" ? bar.max : doc.done;
  bar.setAttribute("aria-label", `${doc.filename}: pages read`);
  if (doc.status === "uploading") bar.removeAttribute("value"); // indeterminate while uploading

  const count = document.createElement("span");
  count.className = "count";
  const done = doc.status === "finished" ? doc.total : doc.done;
  count.textContent = doc.total ? `${done} / ${doc.total} pages` : "";

  li.append(name, state, bar, count);
  if (doc.status === "finished") {
    const open = document.createElement("a");
    open.className = "button primary open";
    open.href = `#/documents/${doc.id}`;
    open.textContent = doc.split ? "Open its documents" : "Open";
    open.setAttribute("aria-label", `Open ${doc.filename}`);
    li.append(open);
  }
  return li;
}

function render() {
  // Rows change in place, and only when they changed: a focused "Open" button keeps its focus.
  const list = document.getElementById("documents");
  const shown = new Map([...list.children].map((li) => [li.dataset.key, li]));
  let previous = null;
  for (const doc of documents) {
    const fresh = row(doc);
    fresh.dataset.key = String(doc.key);
    let li = shown.get(fresh.dataset.key);
    shown.delete(fresh.dataset.key);
    if (!li || li.outerHTML !== fresh.outerHTML) {
      if (li) li.replaceWith(fresh);
      li = fresh;
    }
    if (li.previousElementSibling !== previous || li.parentNode !== list) {
      if (previous) previous.after(li); else list.prepend(li);
    }
    previous = li;
  }
  shown.forEach((li) => li.remove());
  document.getElementById("no-documents").hidden = documents.length > 0;
}

function apply(doc, view) {
  doc.status = view.status;
  doc.done = view.progress ? view.progress.pages_done : doc.done;
  doc.total = view.progress ? view.progress.pages_total : doc.total;
  doc.error = view.error ? { text: plainWords(view.error.code), detail: view.error.message } : null;
}

async function pollOnce() {
  // Every running document, and the first few waiting ones (the queue takes them in this order).
  const started = documents.filter((d) => d.id && d.status === "started");
  const waiting = documents.filter((d) => d.id && !ENDED.has(d.status) && d.status !== "started");
  const active = [...started, ...waiting.slice(0, QUEUED_PER_ROUND)];
  await Promise.all(active.map(async (doc) => {
    try {
      apply(doc, await getJson(`v1/jobs/${doc.id}`));
    } catch (err) {
      if (err instanceof ApiError && err.code === "not_found") {
        doc.status = "failed";
        doc.error = { text: err.message, detail: "" };
      } // other errors (network, a key prompt dismissed): try again on the next round
    }
  }));
  render();
  return documents.some((d) => d.id && !ENDED.has(d.status));
}

async function poll() {
  if (polling) return;
  polling = true;
  try {
    while (await pollOnce()) await new Promise((r) => setTimeout(r, POLL_MS));
  } finally {
    polling = false;
  }
}

async function send(file, placeholder) {
  try {
    const { isZip, body } = await upload(file, { split: placeholder.split });
    const fresh = isZip
      ? body.documents.map((d) => ({
        key: ++counter, id: d.id, filename: `${file.name} › ${d.filename}`, done: 0, total: 0, split: placeholder.split,
        status: d.id ? "queued" : "rejected",
        error: d.error ? { text: plainWords(d.error.code), detail: d.error.message } : null,
      }))
      : [{ ...placeholder, id: body.id, status: "queued", total: body.pages || 0 }]; // the poll says more
    documents.splice(documents.indexOf(placeholder), 1, ...fresh);
  } catch (err) {
    placeholder.status = "rejected";
    placeholder.error = err instanceof ApiError
      ? { text: err.message, detail: err.detail }
      : { text: String(err), detail: "" };
  }
  save();
  render();
  poll();
}

export function addFiles(files) {
  const split = document.getElementById("split-input").checked;
  for (const file of files) {
    const placeholder = {
      key: ++counter, id: null, filename: file.name, status: "uploading", done: 0, total: 0, error: null, split,
    };
    documents.push(placeholder);
    uploadChain = uploadChain.then(() => send(file, placeholder));
  }
  render();
}

export function filenameOf(id) {
  const doc = documents.find((d) => d.id === id);
  return doc ? doc.filename : null;
}

export function initUploads() {
  load();
  render();
  poll();
  const zone = document.getElementById("dropzone");
  const input = document.getElementById("file-input");
  input.addEventListener("change", () => {
    addFiles([...input.files]);
    input.value = "";
  });
  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add("over");
    });
  }
  for (const type of ["dragleave", "drop"]) {
    zone.addEventListener(type, () => zone.classList.remove("over"));
  }
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    addFiles([...event.dataTransfer.files]);
  });
  // a file dropped next to the zone should not make the browser leave the page to show it
  window.addEventListener("dragover", (event) => event.preventDefault());
  window.addEventListener("drop", (event) => event.preventDefault());
}
