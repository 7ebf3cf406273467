// "Did you mean" for unknown keys: catches typos (`enabledd`), other
// spellings of the same word (`configType`, `contents-file`, `Enabled`) and a
// few words people reach for by habit.

const HABITS: Readonly<Record<string, string>> = {
  type: "config_type",
  file: "contents_file",
  content_file: "contents_file",
  config: "contents",
  labels: "matchers",
  selector: "matchers",
  selectors: "matchers",
  disabled: "enabled",
};

function fold(word: string): string {
  return word.toLowerCase().replace(/[-_\s]/g, "");
}

/**
 * Edit distance counting a swap of two neighbours as one edit (`nmae` →
 * `name`), capped: returns `cap + 1` as soon as the distance exceeds `cap`.
 */
export function editDistance(a: string, b: string, cap = 3): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, beforePrevious[j - 2]! + 1);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > cap) return cap + 1;
    beforePrevious = previous;
    previous = current;
  }
  return Math.min(previous[b.length]!, cap + 1);
}

/** The known key the user most likely meant, or undefined. */
export function suggestKey(unknown: string, known: readonly string[]): string | undefined {
  if (unknown.length > 64) return undefined;
  const folded = fold(unknown);
  const exact = known.find((k) => fold(k) === folded);
  if (exact !== undefined) return exact;
  const habit = HABITS[folded] ?? HABITS[unknown.toLowerCase()];
  if (habit !== undefined && known.includes(habit)) return habit;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const key of known) {
    const cap = key.length <= 4 ? 1 : 2;
    const distance = editDistance(folded, fold(key), cap);
    if (distance <= cap && distance < bestDistance) {
      best = key;
      bestDistance = distance;
    }
  }
  return best;
}
