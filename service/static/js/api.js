// Talking to the API: the API key (asked once, kept in sessionStorage), requests, errors in plain words.

const KEY_ITEM = "gongwen.apiKey";

const PLAIN = {
  too_large: "The file is too large.",
  unsupported_type:
    "This is not a supported file type: send a PDF, TIFF, PNG or JPEG scan (or a .zip of them).",
  encrypted_pdf: "This PDF is encrypted (password-protected). Remove the password and upload it again.",
  corrupt_input: "The file is damaged or incomplete and cannot be read.",
  bad_input: "The upload was not accepted.",
  unauthorized: "The API key was not accepted.",
  timeout: "Reading this document took too long and was stopped.",
  storage_full: "The server's storage is full. Try again later.",
  unavailable: "The service is busy or unavailable. Try again later.",
  worker_lost: "The worker reading this document stopped (restart or crash). Upload it again.",
  canceled: "The conversion was canceled.",
  model_error: "The OCR engine failed on this server.",
  not_found: "This document is not known to the server (or it has expired).",
  expired: "The result is no longer kept on the server. Upload the scan again.",
  not_finished: "The document is not finished yet.",
  network: "Cannot reach the server. Is it running?",
};

/** An API error: `code` as the API gives it, `message` in plain words, `detail` the server's own words. */
export class ApiError extends Error {
  constructor(code, detail, status = 0) {
    super(plainWords(code));
    this.code = code;
    this.detail = detail || "";
    this.status = status;
  }
}

/** One sentence for people, by error code. */
export function plainWords(code) {
  return PLAIN[code] || "Something went wrong on the server.";
}

export function storedKey() {
  return sessionStorage.getItem(KEY_ITEM) || "";
}

export function forgetKey() {
  sessionStorage.removeItem(KEY_ITEM);
  keyListeners.forEach((fn) => fn(""));
}

const keyListeners = [];
export function onKeyChange(fn) {
  keyListeners.push(fn);
}

let asking = null; // one key dialog at a time, whatever number of requests got a 401

function askForKey(rejected) {
  if (asking) return asking;
  const dialog = document.getElementById("key-dialog");
  const input = document.getElementById("key-input");
  document.getElementById("key-reason").textContent = rejected
    ? "That API key was not accepted. Check it and enter it again."
    : "This server asks for an API key. Enter the key you were given.";
  input.value = "";
  asking = new Promise((resolve) => {
    const done = (value) => {
      dialog.removeEventListener("close", onClose);
      document.getElementById("key-cancel").removeEventListener("click", onCancel);
      asking = null;
      resolve(value);
    };
    const onClose = () => done(dialog.returnValue === "ok" && input.value.trim() ? input.value.trim() : null);
    const onCancel = () => { dialog.returnValue = "cancel"; dialog.close(); };
    dialog.addEventListener("close", onClose);
    document.getElementById("key-cancel").addEventListener("click", onCancel);
    dialog.returnValue = "";
    dialog.showModal();
    input.focus();
  });
  return asking;
}

async function errorOf(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // a proxy's HTML error page, or no body at all
  }
  const err = body && body.error;
  if (err && err.code) return new ApiError(err.code, err.message, response.status);
  if (response.status === 413) return new ApiError("too_large", "", 413);
  if (response.status === 401) return new ApiError("unauthorized", "", 401);
  return new ApiError("internal_error", `HTTP ${response.status}`, response.status);
}

/** fetch() with the API key; on 401 asks for a key (once) and tries again. Resolves to the Response. */
export async function request(path, options = {}) {
  for (let attempt = 0; ; attempt++) {
    const headers = new Headers(options.headers || {});
    const key = storedKey();
    if (key) headers.set("X-API-Key", key);
    let response;
    try {
      response = await fetch(path, { ...options, headers });
    } catch {
      throw new ApiError("network");
    }
    if (response.ok) return response;
    if (response.status !== 401 || attempt > 3) throw await errorOf(response);
    const given = await askForKey(Boolean(key));
    if (!given) throw await errorOf(response);
    sessionStorage.setItem(KEY_ITEM, given);
    keyListeners.forEach((fn) => fn(given));
  }
}

export async function getJson(path) {
  return (await request(path)).json();
}

/** POST one file (or a .zip as a batch); resolves to the API's JSON answer. With `split`, each file is a
 * batch scan of several documents (the result lists them). */
export async function upload(file, { split = false } = {}) {
  const isZip = /\.zip$/i.test(file.name) || file.type === "application/zip";
  const form = new FormData();
  form.append(isZip ? "files" : "file", file, file.name);
  form.append("format", "json");
  if (split) form.append("split", "true");
  const response = await request(isZip ? "v1/batches" : "v1/documents", { method: "POST", body: form });
  return { isZip, body: await response.json() };
}

export function resultUrl(id, format) {
  return `v1/jobs/${encodeURIComponent(id)}/result?format=${format}`;
}
