// pipelineFiles: every exported pipeline gets files of its own that the
// loader reads back as that same pipeline.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { pipelineFiles } from "../../src/apply/index.js";
import { loadPipelines } from "../../src/loader/index.js";
import type { RemotePipeline } from "../../src/pipelines/index.js";

function remote(name: string, configType: "alloy" | "otel", id: string): RemotePipeline {
  const contents = configType === "otel" ? `receivers: {} # ${name}\n` : `// ${name}\n`;
  return { id, spec: { name, contents, matchers: [], enabled: true, configType }, source: { type: "git", namespace: "repo" } };
}

it("gives names whose files would clash (an OTel pipeline's contents, a `.otel` base, case) files of their own, read back unchanged", async () => {
  const pipelines = [
    remote("foo", "otel", "1"),
    remote("foo.otel", "alloy", "2"),
    remote("bar.OTEL", "otel", "3"),
    remote("Baz", "alloy", "4"),
    remote("baz", "alloy", "5"),
  ];
  const files = pipelineFiles(pipelines);
  const paths = files.map((f) => f.path.toLowerCase());
  expect(new Set(paths).size).toBe(paths.length);

  const dir = await mkdtemp(join(tmpdir(), "fleet-export-names-"));
  try {
    for (const f of files) await writeFile(join(dir, f.path), f.text, "utf8");
    const loaded = await loadPipelines(dir);
    const byName = new Map(loaded.specs.map((s) => [s.name, s]));
    expect([...byName.keys()].sort()).toEqual(pipelines.map((p) => p.spec.name).sort());
    for (const p of pipelines) {
      expect(byName.get(p.spec.name)?.contents).toBe(p.spec.contents);
      expect(byName.get(p.spec.name)?.configType ?? "alloy").toBe(p.spec.configType);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
