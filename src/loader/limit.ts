// Bounded concurrency for file-system work: enough requests in flight to keep
// libuv's thread pool busy, never so many that thousands of files are open
// (and buffered) at once. Each running task gets a slot number, so it can
// reuse a scratch buffer that belongs to that slot.

export type Limiter = <T>(task: (slot: number) => Promise<T>) => Promise<T>;

export function createLimiter(concurrency: number): Limiter {
  const free: number[] = Array.from({ length: concurrency }, (_, i) => concurrency - 1 - i);
  // A FIFO with a moving head: Array#shift is linear, and this queue can hold
  // tens of thousands of waiting tasks.
  let queue: ((slot: number) => void)[] = [];
  let head = 0;
  const release = (slot: number) => {
    if (head < queue.length) {
      const next = queue[head]!;
      queue[head++] = undefined as never;
      if (head > 1024 && head * 2 > queue.length) {
        queue = queue.slice(head);
        head = 0;
      }
      next(slot);
    } else {
      free.push(slot);
    }
  };
  return async (task) => {
    const slot = free.length > 0 ? free.pop()! : await new Promise<number>((resolve) => queue.push(resolve));
    try {
      return await task(slot);
    } finally {
      release(slot);
    }
  };
}

/**
 * Runs `task` for every item with at most `concurrency` in flight: a fixed
 * set of workers pulling from the list, so a folder of 20 000 files does not
 * become 20 000 pending promises. `slot` identifies the worker.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, slot: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (slot: number) => {
    while (next < items.length) await task(items[next++]!, slot);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, (_, slot) => worker(slot)));
}
