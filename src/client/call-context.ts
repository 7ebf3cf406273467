// Per-call state shared by the interceptors (the attempt number, the
// deadline). Connect hands every interceptor the same ContextValues object
// for a call, but a caller may reuse one ContextValues across calls, so each
// call gets its own overlay: our keys live on the overlay, reads of other
// keys fall through to the caller's values.
import { createContextKey, createContextValues, type ContextKey, type ContextValues } from "@connectrpc/connect";

/** 1 for the first try, 2 for the first retry, ... */
export const attemptKey: ContextKey<number> = createContextKey(1, { description: "fleet attempt" });
/** The call's timeout as resolved from per-call and client options; undefined = none. */
export const callTimeoutMsKey: ContextKey<number | undefined> = createContextKey<number | undefined>(undefined, {
  description: "fleet call timeout",
});
/** Absolute deadline of the whole call (retries included), in Clock.now() milliseconds. */
export const deadlineKey: ContextKey<number | undefined> = createContextKey<number | undefined>(undefined, {
  description: "fleet call deadline",
});

/** Attempts of this call on the wire: sent, or being sent, and not settled yet (an abandoned one may settle late). */
export const inFlightKey: ContextKey<number> = createContextKey(0, { description: "fleet attempts in flight" });
/**
 * An attempt of this call failed in a way that does not say whether the
 * server carried it out (answer lost, deadline, 5xx). Set once, never cleared.
 */
export const mayHaveTakenEffectKey: ContextKey<boolean> = createContextKey(false, {
  description: "fleet attempt may have taken effect",
});

const ownKeys = new Set<symbol>([attemptKey.id, callTimeoutMsKey.id, deadlineKey.id, inFlightKey.id, mayHaveTakenEffectKey.id]);

export function createCallContext(parent: ContextValues | undefined): ContextValues {
  const own = createContextValues();
  if (parent === undefined) return own;
  const overlay: ContextValues = {
    get<T>(key: ContextKey<T>): T {
      return ownKeys.has(key.id) ? own.get(key) : parent.get(key);
    },
    set<T>(key: ContextKey<T>, value: T) {
      if (ownKeys.has(key.id)) own.set(key, value);
      else parent.set(key, value);
      return overlay;
    },
    delete(key: ContextKey<unknown>) {
      if (ownKeys.has(key.id)) own.delete(key);
      else parent.delete(key);
      return overlay;
    },
  };
  return overlay;
}
