// Renderings of a plan: terminal text, Markdown, JSON. Pure string building.
export { renderPlanText, renderFindingText } from "./text.js";
export type { TextRenderOptions } from "./text.js";
export { renderPlanMarkdown, renderFindingMarkdown } from "./markdown.js";
export type { MarkdownRenderOptions } from "./markdown.js";
export { renderPlanJson } from "./json.js";
export { diffLines, splitLines, unifiedDiff } from "./unified-diff.js";
export type { DiffOp, DiffOpKind, UnifiedDiffOptions } from "./unified-diff.js";
export { codeFence, displayName, htmlEscape, markdownCode, markdownEscape, safeContentText, safeText } from "./escape.js";
export {
  renderResultText,
  renderResultMarkdown,
  renderResultJson,
  renderCollectorPreviewText,
  renderCollectorPreviewMarkdown,
} from "./result.js";
export type { ResultTextOptions } from "./result.js";
