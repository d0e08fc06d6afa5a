/**
 * Compares two JSON policy documents the way AWS treats them: key order,
 * whitespace, the order of list items and one-element lists written as a
 * single value do not matter. ECR normalises policies it stores, so a text
 * comparison would see every reused repository as changed.
 */
export function samePolicy(a: string, b: string): boolean {
  try {
    return (
      JSON.stringify(canonical(JSON.parse(a))) ===
      JSON.stringify(canonical(JSON.parse(b)))
    );
  } catch {
    return false;
  }
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(canonical);
    if (items.length === 1) {
      return items[0];
    }
    return items
      .map(item => JSON.stringify(item))
      .sort()
      .map(item => JSON.parse(item));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map(key => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
