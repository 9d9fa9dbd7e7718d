// What the boxes' colours mean: block types (SPEC.md) grouped into the kinds a reader tells apart.
// The colours themselves live in review.css (.k-<kind>), so they are defined once.

export const KINDS = [
  { id: "issuer", label: "Issuer mark", zh: "发文机关标志" },
  { id: "docnum", label: "Doc number", zh: "发文字号" },
  { id: "title", label: "Title", zh: "标题" },
  { id: "heading", label: "Heading", zh: "层次标题" },
  { id: "paragraph", label: "Paragraph", zh: "正文" },
  { id: "sigdate", label: "Signature / date", zh: "署名·日期" },
  { id: "banji", label: "版记 (cc, printed by)", zh: "抄送·印发" },
  { id: "other", label: "Other text", zh: "主送·附件·附注…" },
  { id: "seal", label: "Seal text (left out)", zh: "印章" },
  { id: "pagenum", label: "Page number, other (left out)", zh: "页码等" },
];

const KIND_OF_TYPE = {
  issuer_mark: "issuer",
  doc_number: "docnum",
  signer: "docnum",
  title: "title",
  heading: "heading",
  paragraph: "paragraph",
  signature: "sigdate",
  date: "sigdate",
  cc: "banji",
  printed: "banji",
};

/** The colour kind of a block type (marker, addressee, attachment, note, contact, other: "other"). */
export function kindOfBlock(type) {
  return KIND_OF_TYPE[type] || "other";
}

/** The colour kind of a line left out of the text (`furniture[].kind` of the JSON). */
export function kindOfFurniture(kind) {
  return kind === "seal" ? "seal" : "pagenum";
}

export const TYPE_LABELS = {
  marker: "Marker 份号·密级",
  issuer_mark: "Issuer mark 发文机关标志",
  doc_number: "Doc number 发文字号",
  signer: "Signer 签发人",
  title: "Title 标题",
  addressee: "Addressee 主送机关",
  heading: "Heading 标题层次",
  paragraph: "Paragraph 正文",
  attachment: "Attachment 附件",
  signature: "Signature 署名",
  date: "Date 成文日期",
  note: "Note 附注",
  contact: "Contact 联系人",
  cc: "CC 抄送",
  printed: "Printed by 印发",
  other: "Other 其他",
};

export const FURNITURE_LABELS = {
  seal: "Seal text 印章文字 — not part of the text",
  page_number: "Page number 页码 — not part of the text",
  other: "Left out of the text (running head, stray mark)",
};

/** Fields of the JSON, in reading order: key, label, and the block types they are read from. */
export const FIELDS = [
  { key: "markers", label: "Markers 份号·密级", types: ["marker"] },
  { key: "issuer_mark", label: "Issuer mark 发文机关标志", types: ["issuer_mark"] },
  { key: "issuers", label: "Issuers 发文机关", types: ["issuer_mark"] },
  { key: "doc_number", label: "Doc number 发文字号", types: ["doc_number"] },
  { key: "signer", label: "Signer 签发人", types: ["signer"] },
  { key: "title", label: "Title 标题", types: ["title"] },
  { key: "addressee", label: "Addressee 主送机关", types: ["addressee"] },
  { key: "attachments", label: "Attachments 附件", types: ["attachment"] },
  { key: "signature", label: "Signature 署名", types: ["signature"] },
  { key: "date", label: "Date 成文日期", types: ["date"] },
  { key: "note", label: "Note 附注", types: ["note"] },
  { key: "cc", label: "CC 抄送", types: ["cc"] },
  { key: "printed_by", label: "Printed by 印发机关", types: ["printed"] },
  { key: "printed_date", label: "Printed on 印发日期", types: ["printed"] },
];
