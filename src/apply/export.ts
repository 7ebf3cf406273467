// Export: the service's pipelines written in the folder format the loader
// reads, so that a repository can be bootstrapped from what is live and a
// plan on the exported folder shows no change.
import { mkdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import { ConfigurationError } from "../errors/index.js";
import type { JsonObject, RemotePipeline, SourceScope } from "../pipelines/index.js";
import { formatSource, sourceMatchesScope } from "../pipelines/index.js";
import { CallLog } from "./calls.js";
import { listRemote, type PipelinesClient } from "./remote.js";

/** One file an export writes. */
export interface ExportedFile {
  /** Relative to the export folder, `/`-separated. */
  path: string;
  /** The file's contents. */
  text: string;
}

/** Options of `exportPipelines`. */
export interface ExportPipelinesOptions {
  /** The folder to write into (created when missing). */
  dir: string;
  /** Only pipelines whose source is exactly this scope. Default: every pipeline. */
  scope?: SourceScope | undefined;
  /** Replace files that already exist. Default false: an existing file is an error naming it. */
  overwrite?: boolean | undefined;
  /** Aborts the listing and the writes. */
  signal?: AbortSignal | undefined;
}

/** What `exportPipelines` wrote. */
export interface ExportPipelinesResult {
  /** Exported pipeline names, sorted. */
  pipelines: string[];
  /** Files written, relative to `dir`, sorted. */
  files: string[];
}

/** A file-system-safe base name: keeps letters, digits, `.`, `_`, `-`; never hidden. */
function safeBaseName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^\.+/, "_").slice(0, 120);
  // `<base>.yaml` must stay a metadata file: the loader reads every `*.otel.yaml` as contents.
  const base = cleaned.replace(/\.otel$/i, "_otel");
  return base === "" ? "pipeline" : base;
}

/**
 * The files for a set of remote pipelines: `<name>.yaml` (metadata, with the
 * exact name, `enabled` and `config_type` always written) next to
 * `<name>.alloy` or `<name>.otel.yaml` (the contents, byte for byte). Pure.
 */
export function pipelineFiles(remote: readonly RemotePipeline[]): ExportedFile[] {
  const used = new Set<string>();
  const files: ExportedFile[] = [];
  const sorted = [...remote].sort((a, b) => (a.spec.name < b.spec.name ? -1 : a.spec.name > b.spec.name ? 1 : 0));
  for (const r of sorted) {
    const s = r.spec;
    const pathsOf = (base: string) => [`${base}.yaml`, s.configType === "otel" ? `${base}.otel.yaml` : `${base}.alloy`] as const;
    // Every file name, not just the base, must be new (`a` as OTel writes
    // `a.otel.yaml`), compared without case as case-insensitive file systems do.
    const taken = (base: string) => pathsOf(base).some((path) => used.has(path.toLowerCase()));
    let base = safeBaseName(s.name);
    for (let i = 2; taken(base); i++) base = `${safeBaseName(s.name)}-${i}`;
    const [metaPath, contentsPath] = pathsOf(base);
    used.add(metaPath.toLowerCase());
    used.add(contentsPath.toLowerCase());
    const meta: { name: string; enabled: boolean; config_type: string; matchers: string[]; metadata?: JsonObject } = {
      name: s.name,
      enabled: s.enabled,
      config_type: s.configType,
      matchers: [...s.matchers],
    };
    if (s.metadata !== undefined && Object.keys(s.metadata).length > 0) meta.metadata = s.metadata;
    const header = `# Exported from Fleet Management (${formatSource(r.source)}, id ${r.id || "unknown"}).\n`;
    files.push({ path: metaPath, text: header + stringify(meta, { lineWidth: 0 }) });
    files.push({ path: contentsPath, text: s.contents });
  }
  return files;
}

/** Lists the service's pipelines (optionally one scope's) and writes them as files. */
export async function exportPipelines(client: PipelinesClient, options: ExportPipelinesOptions): Promise<ExportPipelinesResult> {
  const remote = await listRemote(client, new CallLog(), options.signal);
  const { scope } = options;
  const chosen = scope ? remote.filter((r) => sourceMatchesScope(r.source, scope)) : remote;
  const files = pipelineFiles(chosen);
  await mkdir(options.dir, { recursive: true });
  if (options.overwrite !== true) {
    for (const f of files) {
      const exists = await stat(join(options.dir, f.path)).then(
        () => true,
        () => false,
      );
      if (exists) {
        throw new ConfigurationError(`${join(options.dir, f.path)} already exists; export into an empty folder, or replace existing files with --overwrite (option overwrite: true).`);
      }
    }
  }
  for (const f of files) {
    options.signal?.throwIfAborted();
    await writeFile(join(options.dir, f.path), f.text, "utf8");
  }
  return { pipelines: chosen.map((r) => r.spec.name).sort(), files: files.map((f) => f.path).sort() };
}
