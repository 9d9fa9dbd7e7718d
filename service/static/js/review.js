// The document view: pages with boxes on one side; fields and clean text on the other, linked by hover.

import { ApiError, getJson, plainWords, request, resultUrl } from "./api.js";
import { FIELDS, KINDS, TYPE_LABELS, kindOfBlock } from "./kinds.js";
import { clearPages, highlight, reveal, showPages } from "./pages.js";

const WAIT_MS = 1000;
const EXTENSIONS = { text: "txt", md: "md", json: "json", pdf: "pdf", alto: "alto.xml", hocr: "hocr.html" };

let current = null; // {id, result, base}
let generation = 0; // a newer openDocument() call makes an older one stop

const $ = (id) => document.getElementById(id);

function setStatus(text, isError = false, detail = "") {
  const line = $("doc-status");
  line.textContent = text;
  line.classList.toggle("error", isError);
  if (detail) {
    const small = document.createElement("small");
    small.className = "detail";
    small.textContent = `Details: ${detail}`;
    line.append(small);
  }
}

function legend() {
  $("legend").replaceChildren(...KINDS.map((kind) => {
    const li = document.createElement("li");
    li.className = `k-${kind.id}`;
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.setAttribute("aria-hidden", "true");
    const zh = document.createElement("span");
    zh.lang = "zh";
    zh.className = "muted";
    zh.textContent = ` ${kind.zh}`;
    li.append(swatch, kind.label, zh);
    return li;
  }));
}

function pagesLabel(pages) {
  if (!pages.length) return "";
  return pages.length === 1 ? `p. ${pages[0]}` : `pp. ${pages[0]}–${pages[pages.length - 1]}`;
}

function blocks(result) {
  const out = result.blocks.map((block, index) => {
    const div = document.createElement("div");
    div.className = `block k-${kindOfBlock(block.type)} type-${block.type}`;
    div.tabIndex = 0;
    div.dataset.block = String(index);
    div.dataset.type = block.type;
    div.dataset.pages = block.pages.join(",");
    const tag = document.createElement("span");
    tag.className = "tag";
    tag.lang = "en";
    const across = block.pages.length > 1 ? " · joined across a page break" : "";
    const level = block.level ? ` (level ${block.level})` : "";
    const label = TYPE_LABELS[block.type] || block.type;
    tag.textContent = `${label}${level} · ${pagesLabel(block.pages)}${across}`;
    const text = document.createElement("p");
    text.className = "block-text";
    text.textContent = block.text;
    div.append(tag, text);
    return div;
  });
  $("blocks").replaceChildren(...out);
}

function fieldValue(value) {
  if (Array.isArray(value)) return value.length ? value.join("；") : null;
  return value === null || value === undefined || value === "" ? null : String(value);
}

function fields(result) {
  const out = [];
  const absent = [];
  for (const field of FIELDS) {
    const value = fieldValue(result.fields[field.key]);
    if (value === null) {
      absent.push(field.label);
      continue;
    }
    const wrap = document.createElement("div");
    wrap.className = "field";
    wrap.dataset.field = field.key;
    wrap.dataset.types = field.types.join(",");
    const dt = document.createElement("dt");
    dt.textContent = field.label;
    const dd = document.createElement("dd");
    dd.lang = "zh";
    dd.textContent = value;
    wrap.append(dt, dd);
    out.push(wrap);
  }
  $("fields").replaceChildren(...out);
  $("absent-fields").textContent = absent.length ? `Not found in this document: ${absent.join(", ")}.` : "";
  $("warnings").replaceChildren(...(result.warnings || []).map((warning) => {
    const li = document.createElement("li");
    li.textContent = warning;
    return li;
  }));
}

function selectorFor(target) {
  const block = target.closest(".block");
  if (block) return `.box[data-block="${block.dataset.block}"]`;
  const field = target.closest(".field");
  if (field && current) {
    const types = field.dataset.types.split(",");
    const indexes = current.result.blocks
      .map((b, i) => (types.includes(b.type) ? i : -1))
      .filter((i) => i >= 0);
    return indexes.length ? indexes.map((i) => `.box[data-block="${i}"]`).join(",") : null;
  }
  return null;
}

function markText(index) {
  document.querySelectorAll(".block.hot").forEach((node) => node.classList.remove("hot"));
  if (index !== undefined) document.querySelector(`.block[data-block="${index}"]`)?.classList.add("hot");
}

function wireHover() {
  const side = document.querySelector("#document-view .side");
  const show = (event) => highlight($("pages"), selectorFor(event.target));
  side.addEventListener("mouseover", show);
  side.addEventListener("focusin", show);
  side.addEventListener("mouseleave", () => highlight($("pages"), null));
  side.addEventListener("click", (event) => {
    highlight($("pages"), selectorFor(event.target));
    reveal($("pages"));
  });
  side.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.closest(".block")) event.target.click();
  });
  const pages = $("pages");
  pages.addEventListener("mouseover", (event) => {
    const box = event.target.closest(".box[data-block]");
    highlight(pages, box ? `.box[data-block="${box.dataset.block}"]` : null);
    markText(box ? box.dataset.block : undefined);
  });
  pages.addEventListener("mouseleave", () => {
    highlight(pages, null);
    markText(undefined);
  });
  pages.addEventListener("click", (event) => {
    const box = event.target.closest(".box[data-block]");
    const block = box && document.querySelector(`.block[data-block="${box.dataset.block}"]`);
    block?.scrollIntoView({ behavior: "smooth", block: "center" });
  });
}

async function download(format) {
  if (!current) return;
  try {
    const blob = await (await request(resultUrl(current.id, format))).blob();
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = `${current.base}.${EXTENSIONS[format]}`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (err) {
    setStatus(err.message, true, err.detail);
  }
}

async function copyText() {
  if (!current) return;
  const text = current.result.text;
  let copied = true;
  try {
    await navigator.clipboard.writeText(text);
  } catch { // no clipboard API outside https/localhost: the old way
    const area = document.createElement("textarea");
    area.value = text;
    document.body.append(area);
    area.select();
    copied = document.execCommand("copy");
    area.remove();
  }
  if (copied) setStatus("Text copied to the clipboard.");
  else setStatus("This browser did not allow copying: use Download text.", true);
}

function span(pages) {
  return pagesLabel(pages[0] === pages[1] ? [pages[0]] : pages);
}

function partTitle(doc, n) {
  const f = doc.fields || {};
  return f.title || f.doc_number || f.issuer_mark || doc.text.split("\n")[0] || `Document ${n}`;
}

/** The list of the documents a split batch file holds, each a link that opens it; the open one marked. */
function partsNav(id, result, part) {
  const docs = result.documents || [];
  $("parts-nav").hidden = !docs.length;
  const link = (href, text, here) => {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    if (here) a.setAttribute("aria-current", "page");
    li.append(a);
    return li;
  };
  const items = docs.map((doc, index) => link(`#/documents/${id}/${index + 1}`,
    `${span(doc.pages)} · ${partTitle(doc, index + 1)}`, part === index + 1));
  if (docs.length) items.push(link(`#/documents/${id}`, "The whole file", part === null));
  $("parts").replaceChildren(...items);
}

/** The JSON of document `part` (1-based) of a split file, shaped like a whole result: its own fields,
 * blocks and text; the furniture, seals and warnings of its pages. */
function partResult(result, part) {
  const doc = result.documents[part - 1];
  const [first, last] = doc.pages;
  const inRange = (page) => page >= first && page <= last;
  const ownWarning = (w) => {
    const found = w.match(/^page (\d+):/);
    return !found || inRange(Number(found[1]));
  };
  return {
    ...result, fields: doc.fields, blocks: doc.blocks, text: doc.text,
    furniture: (result.furniture || []).filter((line) => inRange(line.page)),
    seals: (result.seals || []).filter((seal) => inRange(seal.page)),
    warnings: (result.warnings || []).filter(ownWarning),
    part: { n: part, of: result.documents.length, pages: doc.pages },
  };
}

function summary(view, result) {
  if (result.part) {
    const { n, of, pages } = result.part;
    return `Document ${n} of ${of} in this file · ${span(pages)} · ${result.blocks.length} blocks`;
  }
  const pages = result.source.pages;
  const seconds = view.timings && view.timings.run_s;
  const parts = [`${pages} page${pages === 1 ? "" : "s"}`, `${result.blocks.length} blocks`];
  if (seconds) parts.push(`read in ${Math.round(seconds)} s`);
  if (view.cached) parts.push("same scan read before: result reused");
  if (result.documents) parts.push(`${result.documents.length} documents found in it`);
  return parts.join(" · ");
}

async function waitFinished(id, mine) {
  for (;;) {
    const view = await getJson(`v1/jobs/${encodeURIComponent(id)}`);
    if (mine !== generation) return null;
    $("doc-title").textContent = view.filename || id;
    if (view.status === "finished") return view;
    if (view.error) throw new ApiError(view.error.code, view.error.message);
    const { pages_done: done, pages_total: total } = view.progress;
    const reading = `Reading page ${Math.min(done + 1, total)} of ${total}…`;
    setStatus(view.status === "queued" ? "Waiting for a worker…" : reading);
    await new Promise((r) => setTimeout(r, WAIT_MS));
  }
}

export async function openDocument(id, part = null) {
  const mine = ++generation;
  current = null;
  $("doc-title").textContent = "";
  $("fields").replaceChildren();
  $("absent-fields").textContent = "";
  $("warnings").replaceChildren();
  $("blocks").replaceChildren();
  $("parts-nav").hidden = true;
  clearPages($("pages"));
  setStatus("Loading…");
  try {
    const view = await waitFinished(id, mine);
    if (!view) return;
    const whole = await (await request(resultUrl(id, "json"))).json();
    let { pages } = await getJson(`v1/jobs/${encodeURIComponent(id)}/pages`);
    if (mine !== generation) return;
    const count = (whole.documents || []).length;
    if (part !== null && (part < 1 || part > count)) {
      setStatus(count ? `This file holds ${count} documents: there is no document ${part}.`
        : "This file was not read as a batch of documents.", true);
      return;
    }
    const result = part === null ? whole : partResult(whole, part);
    if (result.part) pages = pages.filter((meta) => meta.page >= result.part.pages[0] && meta.page <= result.part.pages[1]);
    const name = whole.source.filename || id;
    current = { id, result, base: name.replace(/\.[^.]+$/, "") };
    $("doc-title").textContent = result.part ? `${name} · document ${part} of ${count}` : name;
    partsNav(id, whole, part);
    fields(result);
    blocks(result);
    showPages($("pages"), pages, result);
    setStatus(summary(view, result));
  } catch (err) {
    if (mine !== generation) return;
    if (err instanceof ApiError) setStatus(err.message, true, err.detail);
    else setStatus(plainWords("internal_error"), true, String(err));
  }
}

export function closeDocument() {
  generation++;
  current = null;
  clearPages($("pages"));
}

export function initReview() {
  legend();
  wireHover();
  $("copy-text").addEventListener("click", copyText);
  $("fit-pages").addEventListener("click", () => { // page width (to read) or whole pages (to see the layout)
    const fit = $("pages").classList.toggle("fit");
    $("fit-pages").setAttribute("aria-pressed", String(fit));
    reveal($("pages"));
  });
  document.querySelectorAll("[data-download]").forEach((button) => {
    button.addEventListener("click", () => download(button.dataset.download));
  });
}
