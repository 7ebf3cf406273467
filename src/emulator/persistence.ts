// Optional state file, so that a demo survives restarts. Writes are
// coalesced (at most one in flight, one pending) and atomic: a temporary
// file in the same folder, then a rename over the target.
import { readFile, rename, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ConfigurationError } from "../errors/index.js";

export interface StatePersister {
  /** Asks for a write soon; cheap to call after every change. */
  schedule(): void;
  /** Resolves once everything scheduled so far is on disk. */
  flush(): Promise<void>;
}

/** The file's parsed JSON, or undefined when the file does not exist. */
export async function readStateFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ConfigurationError(`cannot read the state file ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigurationError(`the state file ${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(temp, text, "utf8");
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
}

export function createStatePersister(
  file: string,
  snapshot: () => string,
  onError: (error: unknown) => void,
  delayMs = 20,
): StatePersister {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let dirty = false;

  const run = async (): Promise<void> => {
    while (dirty) {
      dirty = false;
      try {
        await writeFileAtomic(file, snapshot());
      } catch (error) {
        onError(error);
      }
    }
    running = undefined;
  };

  const start = () => {
    timer = undefined;
    if (running === undefined) running = run();
  };

  return {
    schedule() {
      dirty = true;
      if (timer === undefined && running === undefined) timer = setTimeout(start, delayMs);
    },
    async flush() {
      if (timer !== undefined) {
        clearTimeout(timer);
        start();
      }
      while (running !== undefined) await running;
    },
  };
}
