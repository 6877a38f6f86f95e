// The SOSL subset the sandbox runs:
//   FIND {term [OR|AND term]…} [IN ALL|NAME|EMAIL|PHONE FIELDS]
//   RETURNING Object[(fields [WHERE …] [ORDER BY …] [LIMIT n])][, Object(…)]… [LIMIT n]
// A term is a word or a "quoted phrase"; no parentheses, NOT or wildcards inside braces. WHERE and ORDER BY are SOQL,
// run by the sandbox's SOQL engine.
import { SfError } from '../errors.ts';

export type SearchScope = 'ALL' | 'NAME' | 'EMAIL' | 'PHONE';

export interface SoslReturning {
  object: string;
  /** Empty: only the Id comes back. */
  fields: string[];
  where?: string;
  orderBy?: string;
  limit?: number;
}

export interface SoslQuery {
  terms: string[];
  operator: 'OR' | 'AND';
  scope: SearchScope;
  returning: SoslReturning[];
  limit?: number;
}

/** Salesforce's cap on a search's rows, whatever LIMIT says. */
export const MAX_SEARCH_ROWS = 2_000;
/** A search string (inside the braces) longer than this is refused. */
export const MAX_SEARCH_TERM_CHARS = 10_000;

const malformed = (message: string) => new SfError(400, 'MALFORMED_SEARCH', message);

export function parseSosl(text: string): SoslQuery {
  const head = /^\s*FIND\s*\{/i.exec(text);
  if (!head) throw malformed('No search term found. The search term must be enclosed in braces.');
  // The search string ends at the first unescaped closing brace.
  let i = head[0].length;
  let search = '';
  for (; i < text.length && text[i] !== '}'; i++) {
    if (text[i] === '\\' && i + 1 < text.length) {
      search += text[i + 1];
      i++;
    } else search += text[i];
  }
  if (text[i] !== '}') throw malformed('Missing closing brace after the search term.');
  if (search.length > MAX_SEARCH_TERM_CHARS) throw malformed('Search term is too long.');
  const { terms, operator } = parseTerms(search);
  let rest = text.slice(i + 1).trim();
  let scope: SearchScope = 'ALL';
  const inFields = /^IN\s+(ALL|NAME|EMAIL|PHONE)\s+FIELDS\b/i.exec(rest);
  if (inFields) {
    scope = inFields[1]!.toUpperCase() as SearchScope;
    rest = rest.slice(inFields[0].length).trim();
  }
  const returningHead = /^RETURNING\s+/i.exec(rest);
  if (!returningHead) throw malformed('RETURNING is required by this sandbox: name the objects to search.');
  rest = rest.slice(returningHead[0].length);
  const returning: SoslReturning[] = [];
  for (;;) {
    const name = /^\s*([A-Za-z][A-Za-z0-9_]*)\s*/.exec(rest);
    if (!name) throw malformed(`unexpected token in RETURNING: ${rest.slice(0, 20) || 'end of search'}`);
    rest = rest.slice(name[0].length);
    let spec: SoslReturning = { object: name[1]!, fields: [] };
    if (rest.startsWith('(')) {
      const close = closingParen(rest);
      spec = { object: name[1]!, ...parseSpec(rest.slice(1, close)) };
      rest = rest.slice(close + 1).trimStart();
    }
    returning.push(spec);
    if (rest.startsWith(',')) {
      rest = rest.slice(1);
      continue;
    }
    break;
  }
  let limit: number | undefined;
  const tail = /^LIMIT\s+(\d+)\s*$/i.exec(rest.trim());
  if (tail) limit = Number(tail[1]);
  else if (rest.trim()) throw malformed(`unexpected token: ${rest.trim().slice(0, 20)}`);
  return { terms, operator, scope, returning, ...(limit === undefined ? {} : { limit }) };
}

function parseTerms(search: string): { terms: string[]; operator: 'OR' | 'AND' } {
  const tokens = [...search.matchAll(/"([^"]*)"|(\S+)/g)].map((m) =>
    m[1] !== undefined ? { quoted: true, text: m[1] } : { quoted: false, text: m[2]! },
  );
  const terms: string[] = [];
  const operators = new Set<string>();
  tokens.forEach((token, n) => {
    const word = token.text.toUpperCase();
    if (n % 2 === 1 && !token.quoted && (word === 'OR' || word === 'AND')) operators.add(word);
    else if (n % 2 === 0) terms.push(token.text);
    else throw malformed(`expected OR or AND between search terms, found "${token.text}"`);
  });
  if (terms.length === 0 || terms.length !== Math.ceil(tokens.length / 2))
    throw malformed('Search term is missing.');
  if (operators.size > 1) throw malformed('This sandbox does not mix OR and AND in one search.');
  for (const term of terms) {
    if (/[(){}[\]]/.test(term)) throw malformed('This sandbox does not group search terms.');
    if (term.replace(/[*?]/g, '').length < 2)
      throw new SfError(400, 'INVALID_SEARCH', 'search term must be longer than one character');
  }
  return { terms, operator: operators.has('AND') ? 'AND' : 'OR' };
}

/** Index of the parenthesis closing the one at 0, skipping quoted SOQL strings. */
function closingParen(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      for (i++; i < text.length && text[i] !== "'"; i++) if (text[i] === '\\') i++;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  throw malformed('Missing closing parenthesis in RETURNING.');
}

function parseSpec(body: string): Omit<SoslReturning, 'object'> {
  // The clauses, found outside quoted strings.
  const masked = body.replace(/'(?:[^'\\]|\\.)*'/g, (s) => '_'.repeat(s.length));
  const at = (re: RegExp) => re.exec(masked)?.index ?? -1;
  const where = at(/\bWHERE\b/i);
  const order = at(/\bORDER\s+BY\b/i);
  const limit = at(/\bLIMIT\b/i);
  const ends = [where, order, limit].filter((n) => n >= 0);
  const fieldsEnd = ends.length > 0 ? Math.min(...ends) : body.length;
  const fields = body
    .slice(0, fieldsEnd)
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  if (fields.some((f) => !/^[A-Za-z][A-Za-z0-9_.]*$/.test(f)))
    throw malformed('invalid field list in RETURNING');
  const until = (start: number) => {
    const next = [where, order, limit].filter((n) => n > start);
    return next.length > 0 ? Math.min(...next) : body.length;
  };
  const out: Omit<SoslReturning, 'object'> = { fields };
  if (where >= 0) out.where = body.slice(where + 5, until(where)).trim();
  if (order >= 0)
    out.orderBy = body
      .slice(order, until(order))
      .replace(/^ORDER\s+BY\s+/i, '')
      .trim();
  if (limit >= 0) {
    const n = /^LIMIT\s+(\d+)\s*$/i.exec(body.slice(limit).trim());
    if (!n) throw malformed('LIMIT needs a number');
    out.limit = Number(n[1]);
  }
  if ((where >= 0 && !out.where) || (order >= 0 && !out.orderBy))
    throw malformed('empty clause in RETURNING');
  return out;
}
