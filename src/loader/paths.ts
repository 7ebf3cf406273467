// Path helpers shared by the walk and the loader.
import { isAbsolute, relative, sep } from "node:path";

/** Whether `path` is `folder` or lies under it (both absolute and normalised). */
export function isInside(folder: string, path: string): boolean {
  if (path === folder) return true;
  const prefix = folder.endsWith(sep) ? folder : folder + sep;
  return path.startsWith(prefix);
}

/**
 * The path as a user clicks it in CI: relative to `cwd` with `/` separators
 * when it lies under `cwd`, else absolute.
 */
export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  if (rel === "") return ".";
  if (rel === ".." || rel.startsWith(".." + sep) || isAbsolute(rel)) return path;
  return sep === "/" ? rel : rel.split(sep).join("/");
}

export type FileKind = "metadata" | "contents";

/**
 * What a file name is to the loader. `*.otel.yaml|yml` is always contents,
 * never metadata, although it ends in `.yaml`.
 */
export function classifyFile(name: string): FileKind | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith(".otel.yaml") || lower.endsWith(".otel.yml")) return "contents";
  if (lower.endsWith(".yaml") || lower.endsWith(".yml")) return "metadata";
  if (lower.endsWith(".alloy")) return "contents";
  return undefined;
}

/** `node.yaml` → `node`: the default pipeline name and the stem of its sibling files. */
export function metadataBaseName(name: string): string {
  return name.replace(/\.ya?ml$/i, "");
}
