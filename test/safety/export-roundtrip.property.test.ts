// Issue "Safe against other writers", point 9: `export` followed by `plan`
// is a no-op for every pipeline export writes, over random service states,
// including pipelines stored without `enabled` or without a config type.
import { create } from "@bufbuild/protobuf";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigType, PipelineSchema, PipelineSource_SourceType } from "../../gen/pipeline/v1/pipeline_pb.js";
import { exportPipelines } from "../../src/apply/index.js";
import type { EmulatorStore } from "../../src/emulator/index.js";
import { loadPipelines } from "../../src/loader/index.js";
import { planSync } from "../../src/plan/index.js";
import { startHarness, type Harness } from "../apply/harness.js";
import { tempDir } from "../stress/cli-harness.js";

const SCOPE = { type: "git", namespace: "repo" } as const;

let h: Harness;
let store: EmulatorStore | undefined;
beforeAll(async () => {
  // The store is reached through the hook so that pipelines can be stored exactly as another client might send them.
  h = await startHarness({ beforeRequest: (_entry, s) => void (store ??= s) });
  await h.client.pipelines.listPipelines({});
});
afterAll(async () => {
  await h.stop();
});

const alloyLine = fc.constantFrom(
  "// a comment",
  'prometheus.exporter.unix "default" { }',
  'loki.source.journal "read" {\n  forward_to = []\n}',
  "",
);
const alloyContents = fc
  .tuple(fc.uniqueArray(alloyLine, { minLength: 1, maxLength: 4 }), fc.constantFrom("\n", "\r\n"), fc.boolean())
  .map(([lines, eol, final]) => lines.join(eol) + (final ? eol : ""))
  .filter((t) => t.trim() !== "");
const otelContents = fc.constantFrom(
  "receivers:\n  otlp:\n    protocols:\n      grpc: {}\nexporters:\n  debug: {}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n",
);
const matcher = fc.constantFrom('collector.os="linux"', "env=~prod|staging", 'team != "a"', "region=eu");
const name = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/),
  fc.constantFrom("café", "node metrics", "a.otel", "UPPER", "dash-ed", "ünïcödé_pipeline"),
);
const metadata = fc.option(fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean()), { maxKeys: 3 }), { nil: undefined });

const storedPipeline = fc.record({
  name,
  kind: fc.constantFrom("alloy", "otel", "unset"),
  alloy: alloyContents,
  otel: otelContents,
  matchers: fc.uniqueArray(matcher, { maxLength: 3 }),
  enabled: fc.constantFrom(true, false, undefined),
  metadata,
});

describe("export then plan", () => {
  it("is a no-op for every exported pipeline, whatever the service stored", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(storedPipeline, { minLength: 1, maxLength: 6, selector: (p) => p.name }), async (pipelines) => {
        h.emulator.reset();
        await h.client.pipelines.listPipelines({});
        for (const p of pipelines) {
          store!.createPipeline(
            create(PipelineSchema, {
              name: p.name,
              contents: p.kind === "otel" ? p.otel : p.alloy,
              matchers: p.matchers,
              configType: p.kind === "otel" ? ConfigType.OTEL : p.kind === "alloy" ? ConfigType.ALLOY : ConfigType.UNSPECIFIED,
              source: { type: PipelineSource_SourceType.GIT, namespace: "repo" },
              ...(p.enabled === undefined ? {} : { enabled: p.enabled }),
              ...(p.metadata === undefined ? {} : { metadata: p.metadata }),
            }),
          );
        }
        const dir = await tempDir("fleet-export-prop-");
        try {
          const exported = await exportPipelines(h.client, { dir: dir.path, scope: SCOPE });
          const loaded = await loadPipelines(dir.path);
          const remote = (await h.client.pipelines.listPipelines({})).pipelines;
          const plan = planSync({ desired: loaded.specs, remote, scope: SCOPE });
          expect(exported.pipelines).toEqual(pipelines.map((p) => p.name).sort());
          expect(plan.actions.map((a) => [a.name, a.kind])).toEqual(exported.pipelines.map((n) => [n, "noop"]));
          expect(plan.blocked).toBe(false);
        } finally {
          await dir.dispose();
        }
      }),
      { numRuns: 25, seed: 20261130 },
    );
  });
});
