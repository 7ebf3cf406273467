// Type tests, checked by `tsc` (npm run typecheck, or
// `npx tsc -p test/types/tsconfig.json`) under strict and
// exactOptionalPropertyTypes. Nothing here runs: each `Expect<...>` and each
// `@ts-expect-error` is the assertion, and a wrong type fails the compile.
import {
  createFleetClient,
  syncPipelines,
  Code,
  ConnectError,
  FleetApiError,
  FleetError,
  NotFoundError,
  toFleetError,
  type ApplyOptions,
  type ApplyResult,
  type CollectorInput,
  type CollectorPatch,
  type CollectorPreviewOptions,
  type ExportPipelinesOptions,
  type FleetApiErrorCode,
  type FleetClient,
  type FleetClientOptions,
  type FleetErrorCode,
  type GetLimitsOptions,
  type LoadOptions,
  type MarkdownRenderOptions,
  type MatchOptions,
  type Pipeline,
  type PipelineInput,
  type PipelineListFilter,
  type PipelinePatch,
  type PipelineSpec,
  type PlanSyncInput,
  type RateLimitOptions,
  type RequestOptions,
  type ResultTextOptions,
  type RetryOptions,
  type SourceScope,
  type StaleCheckOptions,
  type SyncFromDir,
  type SyncPipelinesBaseOptions,
  type SyncPolicy,
  type TextRenderOptions,
  type ToFleetErrorOptions,
  type UnifiedDiffOptions,
  type ValidatePipelinesOptions,
  type WriteOptions,
} from "fleet-pipelines";
import type { EmulatorOptions, FaultOptions } from "fleet-pipelines/emulator";

type Expect<T extends true> = T;
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Uses a type assertion inside a function body (a local type alias would be "declared but never used"). */
function check<_Assertions extends readonly true[]>(): void {}
type OptionalKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? K : never }[keyof T];
/** True when every optional property of T may be given as `undefined` (exactOptionalPropertyTypes on). */
type OptionalsAcceptUndefined<T> = { [K in OptionalKeys<T>]: undefined } extends Pick<T, OptionalKeys<T>> ? true : false;

// The check can fail: a property without `| undefined` is caught.
interface Strict {
  a?: string;
  b?: number | undefined;
}
export type CheckCanFail = Expect<Equal<OptionalsAcceptUndefined<Strict>, false>>;

// --- every optional option accepts undefined ---------------------------------
export type OptionsAcceptUndefined = [
  Expect<OptionalsAcceptUndefined<FleetClientOptions>>,
  Expect<OptionalsAcceptUndefined<RetryOptions>>,
  Expect<OptionalsAcceptUndefined<RateLimitOptions>>,
  Expect<OptionalsAcceptUndefined<GetLimitsOptions>>,
  Expect<OptionalsAcceptUndefined<RequestOptions>>,
  Expect<OptionalsAcceptUndefined<WriteOptions>>,
  Expect<OptionalsAcceptUndefined<PipelineListFilter>>,
  Expect<OptionalsAcceptUndefined<PipelinePatch>>,
  Expect<OptionalsAcceptUndefined<PipelineInput>>,
  Expect<OptionalsAcceptUndefined<CollectorInput>>,
  Expect<OptionalsAcceptUndefined<CollectorPatch>>,
  Expect<OptionalsAcceptUndefined<ToFleetErrorOptions>>,
  Expect<OptionalsAcceptUndefined<ApplyOptions>>,
  Expect<OptionalsAcceptUndefined<SyncPipelinesBaseOptions>>,
  // The other of dir/desired is `never`: left out, not given as undefined.
  Expect<OptionalsAcceptUndefined<Omit<SyncFromDir, "desired">>>,
  Expect<OptionalsAcceptUndefined<ValidatePipelinesOptions>>,
  Expect<OptionalsAcceptUndefined<ExportPipelinesOptions>>,
  Expect<OptionalsAcceptUndefined<CollectorPreviewOptions>>,
  Expect<OptionalsAcceptUndefined<PlanSyncInput>>,
  Expect<OptionalsAcceptUndefined<SyncPolicy>>,
  Expect<OptionalsAcceptUndefined<StaleCheckOptions>>,
  Expect<OptionalsAcceptUndefined<LoadOptions>>,
  Expect<OptionalsAcceptUndefined<TextRenderOptions>>,
  Expect<OptionalsAcceptUndefined<MarkdownRenderOptions>>,
  Expect<OptionalsAcceptUndefined<ResultTextOptions>>,
  Expect<OptionalsAcceptUndefined<UnifiedDiffOptions>>,
  Expect<OptionalsAcceptUndefined<MatchOptions>>,
  Expect<OptionalsAcceptUndefined<EmulatorOptions>>,
  Expect<OptionalsAcceptUndefined<FaultOptions>>,
];

// What a user with values from their own config writes.
export function optionsFromConfig(config: { url: string; timeoutMs?: number | undefined; agent?: string | undefined }): FleetClient {
  return createFleetClient({ baseUrl: config.url, timeoutMs: config.timeoutMs, userAgent: config.agent, retry: undefined });
}

// --- one pipeline type -------------------------------------------------------
export async function pipelineShapes(fleet: FleetClient): Promise<void> {
  // A source is string literals; namespace may be left out on a write.
  const input: PipelineInput = { name: "a", contents: "// a\n", source: { type: "git" } };
  await fleet.pipelines.create(input);
  await fleet.pipelines.create({ name: "b", contents: "// b\n", source: { type: "terraform", namespace: "infra" }, configType: "otel" });
  // @ts-expect-error: not a source type
  await fleet.pipelines.create({ name: "c", contents: "// c\n", source: { type: "svn" } });
  // @ts-expect-error: numeric enums are for the raw client
  await fleet.pipelines.create({ name: "d", contents: "// d\n", configType: 1 });

  const read: Pipeline = await fleet.pipelines.get("a");
  // What the service always has is required on a read pipeline.
  check<[
    Expect<Equal<Pipeline["id"], string>>,
    Expect<Equal<Pipeline["enabled"], boolean>>,
    Expect<Equal<Pipeline["matchers"], string[]>>,
    Expect<Equal<Pipeline["configType"], "alloy" | "otel">>,
    Expect<Equal<NonNullable<Pipeline["source"]>["type"], "git" | "terraform" | "grafana" | "unspecified">>,
    Expect<Equal<NonNullable<Pipeline["updatedAt"]>, Date>>,
  ]>();
  // A read-back pipeline can be written back, changed or not, and used as desired state.
  await fleet.pipelines.upsert(read);
  await fleet.pipelines.upsert({ ...read, enabled: false });
  const spec: PipelineSpec = read;
  const write: PipelineInput = read;
  void spec;
  void write;
  const updated: Pipeline = await fleet.pipelines.update("a", (p) => ({ enabled: !p.enabled, metadata: null }));
  void updated;
  // The generated clients stay reachable, old path and new.
  await fleet.pipelines.listPipelines({});
  await fleet.raw.pipelines.listPipelines({});
}

// --- syncPipelines: exactly one of dir and desired; result follows dryRun -----
export async function syncShapes(fleet: FleetClient, desired: PipelineSpec[], scope: SourceScope, flag: boolean): Promise<void> {
  await syncPipelines(fleet, { dir: "pipelines", scope });
  await syncPipelines(fleet, { dir: "pipelines", scope, exclude: undefined });
  // @ts-expect-error: the other one is left out, not given as undefined
  await syncPipelines(fleet, { desired, scope, dir: undefined });
  // @ts-expect-error: both
  await syncPipelines(fleet, { dir: "pipelines", desired, scope });
  // @ts-expect-error: neither
  await syncPipelines(fleet, { scope });
  // @ts-expect-error: exclude goes with dir only
  await syncPipelines(fleet, { desired, scope, exclude: ["tmp/**"] });

  const applied = await syncPipelines(fleet, { desired, scope });
  const appliedToo = await syncPipelines(fleet, { desired, scope, dryRun: false });
  const dry = await syncPipelines(fleet, { desired, scope, dryRun: true });
  const either = await syncPipelines(fleet, { desired, scope, dryRun: flag });
  check<[
    Expect<Equal<typeof applied.result, ApplyResult>>,
    Expect<Equal<typeof appliedToo.result, ApplyResult>>,
    Expect<Equal<typeof dry.result, undefined>>,
    Expect<Equal<typeof either.result, ApplyResult | undefined>>,
  ]>();
  // No `!` and no check needed after an apply.
  const created: string[] = applied.result.changes.created;
  void created;
}

// --- errors: one hierarchy, exhaustive codes, Connect re-exported -------------
export function describeFailure(error: unknown): string {
  const e = toFleetError(error);
  switch (e.code) {
    case "INVALID_CONFIGURATION":
    case "INVALID_MATCHER":
    case "LOAD_FAILED":
    case "SAFETY_CHECK":
    case "INVALID_PLAN":
    case "APPLY_FAILED":
    case "VERIFY_FAILED":
    case "STALE_PLAN":
    case "APPLY_ABORTED":
    case "OVERWRITE_DETECTED":
    case "USAGE":
      return `library: ${e.code}`;
    case "CANCELED":
    case "UNKNOWN":
    case "INVALID_ARGUMENT":
    case "DEADLINE_EXCEEDED":
    case "NOT_FOUND":
    case "ALREADY_EXISTS":
    case "PERMISSION_DENIED":
    case "RATE_LIMITED":
    case "FAILED_PRECONDITION":
    case "CONFLICT":
    case "OUT_OF_RANGE":
    case "UNIMPLEMENTED":
    case "INTERNAL":
    case "UNAVAILABLE":
    case "DATA_LOSS":
    case "UNAUTHENTICATED":
      return `service: ${e.code}`;
    default: {
      // Fails to compile as soon as a code is added without a case above.
      const unhandled: never = e.code;
      return unhandled;
    }
  }
}

export function errorShapes(error: unknown): void {
  check<[
    Expect<Equal<FleetError["code"], FleetErrorCode>>,
    Expect<Equal<FleetApiError["code"], FleetApiErrorCode>>,
    // Codes are a closed union, not any string.
    Expect<Equal<Equal<FleetErrorCode, string>, false>>,
  ]>();
  if (error instanceof NotFoundError) {
    const where: string | undefined = error.procedure;
    const status: number | undefined = error.httpStatus;
    void where;
    void status;
  }
  // Catching Connect's own errors needs no extra install.
  if (error instanceof ConnectError && error.code === Code.NotFound) {
    const fleetError: FleetError = toFleetError(error, { procedure: undefined });
    void fleetError;
  }
}
