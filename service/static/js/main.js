// The review page: `#/` lists uploads, `#/documents/<id>` shows one file, `#/documents/<id>/<n>` the n-th
// document of a split batch file.

import { forgetKey, onKeyChange, storedKey } from "./api.js";
import { closeDocument, initReview, openDocument } from "./review.js";
import { initUploads } from "./uploads.js";

function route() {
  const match = location.hash.match(/^#\/documents\/([A-Za-z0-9_-]{1,64})(?:\/(\d{1,4}))?$/);
  document.getElementById("upload-view").hidden = Boolean(match);
  document.getElementById("document-view").hidden = !match;
  document.body.classList.toggle("doc-mode", Boolean(match)); // the view fills the window; its columns scroll
  if (match) {
    openDocument(match[1], match[2] ? Number(match[2]) : null);
  } else {
    closeDocument();
  }
  window.scrollTo(0, 0);
}

function showKeyState(key) {
  document.getElementById("key-state").hidden = !key;
}

initUploads();
initReview();
showKeyState(storedKey());
onKeyChange(showKeyState);
document.getElementById("key-forget").addEventListener("click", forgetKey);
window.addEventListener("hashchange", route);
route();
