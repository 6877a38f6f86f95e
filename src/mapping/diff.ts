// A unified line diff of two mapping texts (longest common subsequence), as `diff -u` and git print it.

export interface LineDiff {
  /** The unified diff; empty when the texts are equal. */
  text: string;
  added: number;
  removed: number;
}

type Op = { kind: ' ' | '-' | '+'; line: string };

/** Lines of context around each change, as `diff -u`. */
const CONTEXT = 3;
/** Past this many LCS cells (the middle that differs, squared) the middle is shown as removed then added. */
const MAX_CELLS = 16_000_000;

export function unifiedDiff(before: string, after: string, labels: { from: string; to: string }): LineDiff {
  const a = lines(before);
  const b = lines(after);
  const ops = diffLines(a, b);
  const added = ops.filter((o) => o.kind === '+').length;
  const removed = ops.filter((o) => o.kind === '-').length;
  if (added + removed === 0) return { text: '', added, removed };
  const out = [`--- ${labels.from}`, `+++ ${labels.to}`];
  // Not push(...hunk): a hunk of 100,000 lines as arguments overflows the stack.
  for (const hunk of hunks(ops)) for (const line of hunk) out.push(line);
  return { text: `${out.join('\n')}\n`, added, removed };
}

function lines(text: string): string[] {
  if (text === '') return [];
  const list = text.split('\n');
  if (list[list.length - 1] === '') list.pop();
  return list;
}

function diffLines(a: string[], b: string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const same = (line: string): Op => ({ kind: ' ', line });
  return [
    ...a.slice(0, start).map(same),
    ...middle(a.slice(start, endA), b.slice(start, endB)),
    ...a.slice(endA).map(same),
  ];
}

function middle(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  if (n * m > MAX_CELLS || n === 0 || m === 0)
    return [
      ...a.map((line) => ({ kind: '-' as const, line })),
      ...b.map((line) => ({ kind: '+' as const, line })),
    ];
  // lcs[i * (m + 1) + j] = length of the LCS of a[i..] and b[j..].
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i * width + j] =
        a[i] === b[j]
          ? lcs[(i + 1) * width + j + 1]! + 1
          : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i]! });
      i++;
      j++;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) ops.push({ kind: '-', line: a[i++]! });
    else ops.push({ kind: '+', line: b[j++]! });
  }
  while (i < n) ops.push({ kind: '-', line: a[i++]! });
  while (j < m) ops.push({ kind: '+', line: b[j++]! });
  return ops;
}

function* hunks(ops: Op[]): Generator<string[]> {
  // Line numbers (1-based) of each op in the old and new text.
  const oldLine: number[] = [];
  const newLine: number[] = [];
  let o = 1;
  let n = 1;
  for (const op of ops) {
    oldLine.push(o);
    newLine.push(n);
    if (op.kind !== '+') o++;
    if (op.kind !== '-') n++;
  }
  let i = 0;
  while (i < ops.length) {
    if (ops[i]!.kind === ' ') {
      i++;
      continue;
    }
    const first = Math.max(0, i - CONTEXT);
    let last = i;
    // Extend over changes closer than two contexts apart: they share a hunk.
    for (let k = i; k < ops.length; k++) {
      if (ops[k]!.kind !== ' ') last = k;
      else if (k - last > 2 * CONTEXT) break;
    }
    const end = Math.min(ops.length - 1, last + CONTEXT);
    const slice = ops.slice(first, end + 1);
    const oldCount = slice.filter((op) => op.kind !== '+').length;
    const newCount = slice.filter((op) => op.kind !== '-').length;
    // As diff -u: a range of zero lines names the line before it.
    const oldStart = oldCount === 0 ? oldLine[first]! - 1 : oldLine[first]!;
    const newStart = newCount === 0 ? newLine[first]! - 1 : newLine[first]!;
    yield [
      `@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`,
      ...slice.map((op) => `${op.kind}${op.line}`),
    ];
    i = end + 1;
  }
}

function range(start: number, count: number): string {
  return count === 1 ? String(start) : `${start},${count}`;
}
