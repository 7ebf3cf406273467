// The SDK's asynchronous entry points, loaded on their first call. They sit
// behind a dynamic import() so that importing the package costs only the
// synchronous core (matchers, plan, render, client): the apply layer and the
// loader (which needs node:fs, and so keeps the core bundlable for browsers
// and edge runtimes) load when a caller first needs them. Each wrapper has
// exactly the type of the function it forwards to.
import type * as Apply from "./apply/index.js";
import type * as Loader from "./loader/index.js";

let applyModule: Promise<typeof Apply> | undefined;
let loaderModule: Promise<typeof Loader> | undefined;

// One import per module, shared by every caller; a failed import is retried on the next call.
function apply(): Promise<typeof Apply> {
  applyModule ??= import("./apply/index.js").catch((error: unknown) => {
    applyModule = undefined;
    throw error;
  });
  return applyModule;
}

function loader(): Promise<typeof Loader> {
  loaderModule ??= import("./loader/index.js").catch((error: unknown) => {
    loaderModule = undefined;
    throw error;
  });
  return loaderModule;
}

/** Reads a folder of pipeline files (Node only: it uses node:fs). See the loader's documentation. */
export const loadPipelines: typeof Loader.loadPipelines = async (...args) => (await loader()).loadPipelines(...args);

/** Applies a plan (sync or fallback), then verifies the scope by reading it back. */
export const applyPlan: typeof Apply.applyPlan = async (...args) => (await apply()).applyPlan(...args);

/** Plans and, unless dryRun, applies a folder or a list of specs to one scope. */
// Cast: an arrow function cannot carry the overloads (the result type follows `dryRun`).
export const syncPipelines = (async (...args: Parameters<typeof Apply.syncPipelines>) =>
  (await apply()).syncPipelines(...args)) as typeof Apply.syncPipelines;

/** Asks the service to validate pipelines without changing anything (validate_only). */
export const validatePipelines: typeof Apply.validatePipelines = async (...args) => (await apply()).validatePipelines(...args);

/** Reads the service's pipelines into the folder format (and writes the files when asked). */
export const exportPipelines: typeof Apply.exportPipelines = async (...args) => (await apply()).exportPipelines(...args);

/** How many collectors each pipeline of a plan reaches, from the service's collector list. */
export const previewCollectors: typeof Apply.previewCollectors = async (...args) => (await apply()).previewCollectors(...args);

/** The pipeline limit to plan against: an override, else the stack's (GetLimits), else the documented 200. */
export const resolvePipelineLimit: typeof Apply.resolvePipelineLimit = async (...args) => (await apply()).resolvePipelineLimit(...args);
