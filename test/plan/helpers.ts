// Small builders for plan tests.
import type { PipelineSpec, RemotePipeline, SourceRef, SourceScope } from "../../src/pipelines/index.js";

export const scope: SourceScope = { type: "git", namespace: "repo" };
export const inScope: SourceRef = { type: "git", namespace: "repo" };

export function want(name: string, over: Partial<PipelineSpec> = {}): PipelineSpec {
  return { name, contents: `// ${name}\n`, file: `pipelines/${name}.yaml`, ...over };
}

let nextId = 1000;
/** `source` null: stored without a source. */
export function have(name: string, source: SourceRef | null = inScope, over: Partial<RemotePipeline["spec"]> = {}): RemotePipeline {
  const r: RemotePipeline = {
    id: String(nextId++),
    spec: { name, contents: `// ${name}\n`, matchers: [], enabled: true, configType: "alloy", ...over },
  };
  if (source !== null) r.source = source;
  return r;
}

export function names(n: number, prefix = "p"): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, "0")}`);
}
