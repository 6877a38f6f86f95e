// A reader of SOQL string literals as salesforce.md section 3 defines them, for tests: it proves what a
// literal means to Salesforce, and throws on anything Salesforce would reject as MALFORMED_QUERY.

const SIMPLE: Record<string, string> = {
  "'": "'",
  '"': '"',
  '\\': '\\',
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
};

export function parseSoqlLiteral(
  text: string,
  opts: { like?: boolean; start?: number } = {},
): { value: string; end: number; wildcards?: number } {
  let i = opts.start ?? 0;
  if (text[i] !== "'") throw new Error(`no literal at ${i}`);
  i++;
  let value = '';
  let wildcards = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'") return { value, end: i + 1, ...(opts.like ? { wildcards } : {}) };
    if (c === '\\') {
      const n = text[i + 1];
      if (n === undefined) break;
      const lower = n.toLowerCase();
      if (lower === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        value += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      const simple = SIMPLE[n] ?? SIMPLE[lower];
      if (simple !== undefined) value += simple;
      else if (opts.like && (n === '_' || n === '%')) value += n;
      else throw new Error(`invalid escape \\${n} (MALFORMED_QUERY)`);
      i += 2;
      continue;
    }
    if (opts.like && (c === '_' || c === '%')) wildcards++;
    value += c;
    i++;
  }
  throw new Error('unterminated literal');
}
