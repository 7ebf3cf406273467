// "Did you mean": the closest known word to a mistyped flag or command, by
// edit distance (a swap of two neighbours counts as one edit), or the one
// known word it is a prefix of.

/** Edit distance between `a` and `b` (insert, delete, replace, swap neighbours). */
export function editDistance(a: string, b: string): number {
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, beforePrevious[j - 2]! + 1);
      current.push(value);
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The known word closest to `typed`: within 1 edit for words of up to 4
 * letters, 2 for longer ones; else the only known word that starts with
 * `typed` (3 letters at least). Undefined when nothing is close.
 */
export function suggest(typed: string, known: readonly string[]): string | undefined {
  const word = typed.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(word, candidate.toLowerCase());
    if (distance < bestDistance || (distance === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // Leading dashes are the same in every flag: they do not make a word longer.
  const letters = (w: string): number => w.replace(/^-+/, "").length;
  const allowed = Math.min(letters(word), letters(best ?? "")) <= 4 ? 1 : 2;
  if (best !== undefined && bestDistance > 0 && bestDistance <= allowed) return best;
  if (letters(word) >= 3) {
    const extending = known.filter((k) => k.toLowerCase().startsWith(word));
    if (extending.length === 1) return extending[0];
  }
  return undefined;
}
