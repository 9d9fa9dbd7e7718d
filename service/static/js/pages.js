// The page column: one preview per page with every recognised line drawn as a box over it.
// Boxes are in upright-page pixels (the JSON's bbox); each SVG's viewBox is the upright page's size, so the
// browser scales them onto the preview. Images load when they come near the screen.

import { request } from "./api.js";
import { FURNITURE_LABELS, TYPE_LABELS, kindOfBlock, kindOfFurniture } from "./kinds.js";

const SVG = "http://www.w3.org/2000/svg";
const LOW_SCORE = 0.8; // lines the recogniser was unsure of get a dashed outline

let objectUrls = [];
let observer = null;

function svg(name, attrs) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

function rect(bbox, kind, tip, data) {
  const [x0, y0, x1, y1] = bbox;
  const node = svg("rect", { x: x0, y: y0, width: Math.max(x1 - x0, 1), height: Math.max(y1 - y0, 1),
    class: `box k-${kind}` });
  Object.assign(node.dataset, data);
  const title = svg("title", {});
  title.textContent = tip;
  node.append(title);
  return node;
}

function linesByPage(result) {
  const byPage = new Map();
  const add = (page, node) => {
    if (!byPage.has(page)) byPage.set(page, []);
    byPage.get(page).push(node);
  };
  result.blocks.forEach((block, index) => {
    for (const line of block.lines) {
      const unsure = line.score < LOW_SCORE ? ` — unsure (${line.score.toFixed(2)})` : "";
      const tip = `${TYPE_LABELS[block.type] || block.type}: ${line.text}${unsure}`;
      const node = rect(line.bbox, kindOfBlock(block.type), tip, { block: String(index) });
      if (line.score < LOW_SCORE) node.classList.add("unsure");
      add(line.page, node);
    }
  });
  for (const line of result.furniture || []) {
    const tip = `${FURNITURE_LABELS[line.kind] || FURNITURE_LABELS.other}: ${line.text}`;
    add(line.page, rect(line.bbox, kindOfFurniture(line.kind), tip, { furniture: line.kind }));
  }
  for (const seal of result.seals || []) {
    const node = rect(seal.bbox, "seal", `Seal 印章${seal.text ? `: ${seal.text}` : ""}`, { seal: "1" });
    node.classList.add("seal-area");
    add(seal.page, node);
  }
  return byPage;
}

async function loadImage(img, url) {
  try {
    const blob = await (await request(url)).blob();
    const objectUrl = URL.createObjectURL(blob);
    objectUrls.push(objectUrl);
    img.src = objectUrl;
  } catch (err) {
    img.closest("figure").classList.add("failed");
    img.alt = `Page image not available: ${err.message}`;
  }
}

function figure(meta, boxes) {
  const fig = document.createElement("figure");
  fig.className = "page";
  fig.dataset.page = String(meta.page);
  const frame = document.createElement("div");
  frame.className = "frame";
  frame.style.aspectRatio = `${meta.width} / ${meta.height}`;
  const img = document.createElement("img");
  img.alt = `Page ${meta.page} of the scan`;
  img.dataset.src = meta.url;
  const overlay = svg("svg", { viewBox: `0 0 ${meta.width} ${meta.height}`, preserveAspectRatio: "none",
    class: "overlay", role: "img", "aria-label": `Recognised lines of page ${meta.page}` });
  overlay.append(...boxes);
  frame.append(img, overlay);
  const caption = document.createElement("figcaption");
  caption.textContent = `Page ${meta.page}`;
  fig.append(frame, caption);
  return fig;
}

/** Show the pages of `result` (the SPEC JSON) from the previews `pages` ({page, width, height, url}). */
export function showPages(container, pages, result) {
  clearPages(container);
  const byPage = linesByPage(result);
  if (!pages.length) {
    const note = document.createElement("p");
    note.className = "muted";
    note.textContent = "No page images were kept for this document (it was read before page images were " +
      "saved, or they have expired). The text and fields are complete.";
    container.append(note);
    return;
  }
  observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      const img = entry.target.querySelector("img");
      observer.unobserve(entry.target);
      if (img && img.dataset.src) loadImage(img, img.dataset.src);
    }
  }, { root: container, rootMargin: "1200px 0px" });
  for (const meta of pages) {
    const fig = figure(meta, byPage.get(meta.page) || []);
    container.append(fig);
    observer.observe(fig);
  }
}

export function clearPages(container) {
  if (observer) observer.disconnect();
  observer = null;
  objectUrls.forEach((url) => URL.revokeObjectURL(url));
  objectUrls = [];
  container.replaceChildren();
}

/** Scroll the page column so the highlighted boxes are in view: all of them, centred, when they fit
 * (both halves of a paragraph split over a page break), else the first one near the top. */
export function reveal(container) {
  const hot = [...container.querySelectorAll(".box.hot")].map((node) => node.getBoundingClientRect());
  if (!hot.length) return;
  const pane = container.getBoundingClientRect();
  const top = Math.min(...hot.map((r) => r.top));
  const bottom = Math.max(...hot.map((r) => r.bottom));
  const room = pane.height - (bottom - top);
  const offset = room > 0 ? room / 2 : pane.height / 5;
  container.scrollTo({ top: container.scrollTop + (top - pane.top) - offset, behavior: "smooth" });
}

/** Highlight the boxes matching `selector` (or none), dimming the rest. Returns the first one. */
export function highlight(container, selector) {
  container.querySelectorAll(".box.hot").forEach((node) => node.classList.remove("hot"));
  container.classList.toggle("focused", Boolean(selector));
  if (!selector) return null;
  const hits = [...container.querySelectorAll(selector)];
  hits.forEach((node) => node.classList.add("hot"));
  return hits[0] || null;
}
