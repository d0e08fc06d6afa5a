/**
 * Jenkins' `tree=` query parameter: `a,b[c,d]{0,5},e[f[g]]`.
 * Keeps only the named properties (plus `_class`, which Jenkins always
 * emits) and slices arrays by the optional `{from,to}` range.
 */
export interface TreeNode {
  name: string;
  children?: TreeNode[];
  range?: { from?: number; to?: number };
}

export class TreeSyntaxError extends Error {}

export function parseTree(spec: string): TreeNode[] {
  let pos = 0;
  const list = (): TreeNode[] => {
    const nodes: TreeNode[] = [];
    for (;;) {
      const start = pos;
      while (pos < spec.length && !'[]{},'.includes(spec[pos])) pos++;
      const name = spec.slice(start, pos).trim();
      if (!name) throw new TreeSyntaxError(`Unexpected character at ${pos}`);
      const node: TreeNode = { name };
      if (spec[pos] === '[') {
        pos++;
        node.children = list();
        if (spec[pos] !== ']')
          throw new TreeSyntaxError(`Expected ] at ${pos}`);
        pos++;
      }
      if (spec[pos] === '{') {
        const end = spec.indexOf('}', pos);
        if (end < 0) throw new TreeSyntaxError(`Expected } after ${pos}`);
        node.range = parseRange(spec.slice(pos + 1, end));
        pos = end + 1;
      }
      nodes.push(node);
      if (spec[pos] === ',') {
        pos++;
        continue;
      }
      return nodes;
    }
  };
  const nodes = list();
  if (pos !== spec.length) throw new TreeSyntaxError(`Unexpected ${spec[pos]}`);
  return nodes;
}

function parseRange(text: string): { from?: number; to?: number } {
  if (!text.includes(',')) {
    const n = Number(text);
    return { from: n, to: n + 1 };
  }
  const [a, b] = text.split(',');
  return {
    from: a === '' ? undefined : Number(a),
    to: b === '' ? undefined : Number(b),
  };
}

/**
 * As in Jenkins, a leaf that names an object yields only its `_class`; ask
 * for its properties with `name[prop,...]`.
 */
export function applyTree(value: unknown, nodes: TreeNode[]): unknown {
  if (Array.isArray(value)) return value.map(v => applyTree(v, nodes));
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  if ('_class' in source) result._class = source._class;
  for (const node of nodes) {
    if (!(node.name in source)) continue;
    let child = source[node.name];
    if (Array.isArray(child) && node.range) {
      child = child.slice(node.range.from ?? 0, node.range.to);
    }
    result[node.name] = applyTree(child, node.children ?? []);
  }
  return result;
}
