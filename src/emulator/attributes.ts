// How the service combines a collector's attributes before matching:
// local ∪ remote, remote winning on a clash except for the reserved
// `collector.*` keys, where the collector's own value stands; then the
// virtual `collector.ID`, equal to the collector's id.

export type Attributes = Readonly<Record<string, string>>;

export function effectiveAttributes(local: Attributes, remote: Attributes, collectorId?: string): Record<string, string> {
  const merged: Record<string, string> = { ...local };
  for (const [key, value] of Object.entries(remote)) {
    if (key.startsWith("collector.") && key in local) continue;
    merged[key] = value;
  }
  if (collectorId !== undefined) merged["collector.ID"] = collectorId;
  return merged;
}
