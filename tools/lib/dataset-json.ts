/**
 * A dataset as committed: one JSON object whose arrays hold one item per line, so that diffs of
 * the set stay readable; other fields on a line each. Field order is the object's.
 */
export function datasetJson(dataset: Record<string, unknown>): string {
  const fields = Object.entries(dataset).map(([key, value]) =>
    Array.isArray(value) ? ` ${JSON.stringify(key)}: [\n${value.map((item) => `  ${JSON.stringify(item)}`).join(',\n')}\n ]` : ` ${JSON.stringify(key)}: ${JSON.stringify(value)}`,
  );
  return `{\n${fields.join(',\n')}\n}\n`;
}
