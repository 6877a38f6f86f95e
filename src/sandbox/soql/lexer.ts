// SOQL tokens. String literals follow SOQL's escape rules: \' \" \\ \n \r \t \b \f \uXXXX, and
// \_ \% only inside LIKE patterns; any other backslash sequence is a MALFORMED_QUERY.
import { SfError } from '../errors.ts';

export type TokenKind = 'ident' | 'string' | 'number' | 'date' | 'datetime' | 'op' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Offset in the query, for Salesforce's Row/Column error messages. */
  pos: number;
  /** Strings: the unescaped value, and its LIKE pattern as a regular expression source. */
  value?: string;
  pattern?: string;
  hasLikeEscape?: boolean;
}

/** Salesforce quotes the query line and points at the column in its query errors. */
export function queryError(code: string, soql: string, pos: number, message: string): SfError {
  const before = soql.slice(0, pos);
  const row = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = soql.indexOf('\n', pos);
  const line = soql.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
  const column = pos - lineStart + 1;
  return new SfError(
    400,
    code,
    `${line}\n${' '.repeat(column - 1)}^\nERROR at Row:${row}:Column:${column}\n${message}`,
    // Query errors name no fields: the body is just message and errorCode.
    null,
  );
}

export const MAX_STRING_LITERAL = 4_000;

const SIMPLE_ESCAPES: Record<string, string> = {
  "'": "'",
  '"': '"',
  '\\': '\\',
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
};

const regexEscape = (c: string) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function readString(soql: string, start: number): { token: Token; end: number } {
  let value = '';
  // The LIKE form of the literal as a regular expression: % any run, _ one character.
  let pattern = '';
  let hasLikeEscape = false;
  const add = (c: string, wildcard?: string) => {
    value += c;
    pattern += wildcard ?? regexEscape(c);
  };
  let i = start + 1;
  while (i < soql.length) {
    const c = soql[i]!;
    if (c === "'") {
      // The SOQL reference limits a WHERE string to 4,000 characters; the message text is the sandbox's own.
      if (value.length > MAX_STRING_LITERAL) {
        throw queryError(
          'MALFORMED_QUERY',
          soql,
          start,
          `String literal of ${value.length} characters exceeds the maximum of ${MAX_STRING_LITERAL}`,
        );
      }
      const token: Token = {
        kind: 'string',
        text: soql.slice(start, i + 1),
        pos: start,
        value,
        pattern,
        hasLikeEscape,
      };
      return { token, end: i + 1 };
    }
    if (c !== '\\') {
      add(c, c === '%' ? '[\\s\\S]*' : c === '_' ? '[\\s\\S]' : undefined);
      i++;
      continue;
    }
    const next = soql[i + 1] ?? '';
    const simple = SIMPLE_ESCAPES[next.toLowerCase()];
    if (simple !== undefined) {
      add(simple);
      i += 2;
    } else if ((next === 'u' || next === 'U') && /^[0-9a-fA-F]{4}$/.test(soql.slice(i + 2, i + 6))) {
      add(String.fromCharCode(Number.parseInt(soql.slice(i + 2, i + 6), 16)));
      i += 6;
    } else if (next === '_' || next === '%') {
      add(next);
      hasLikeEscape = true;
      i += 2;
    } else {
      throw queryError(
        'MALFORMED_QUERY',
        soql,
        i,
        `Invalid string literal '${soql.slice(start + 1, i + 2)}'. Illegal character sequence '\\${next}' in string literal.`,
      );
    }
  }
  throw queryError(
    'MALFORMED_QUERY',
    soql,
    start,
    `line 1:${start} mismatched character '<EOF>' expecting '''`,
  );
}

export function lex(soql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    const rest = soql.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const c = soql[i]!;
    if (c === "'") {
      const { token, end } = readString(soql, i);
      tokens.push(token);
      i = end;
      continue;
    }
    const datetime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})/.exec(rest);
    const date = /^\d{4}-\d{2}-\d{2}(?![\dT])/.exec(rest);
    const num = /^[+-]?\d+(\.\d+)?(?![\w])/.exec(rest);
    const ident = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(rest);
    const op = /^(<=|>=|!=|<>|=|<|>)/.exec(rest);
    const match: [TokenKind, RegExpExecArray | null][] = [
      ['datetime', datetime],
      ['date', date],
      ['number', num],
      ['ident', ident],
      ['op', op],
    ];
    const hit = match.find(([, m]) => m);
    if (hit) {
      const text = hit[1]![0];
      tokens.push({ kind: hit[0], text, pos: i });
      i += text.length;
      continue;
    }
    if ('(),:'.includes(c)) {
      tokens.push({ kind: 'punct', text: c, pos: i });
      i++;
      continue;
    }
    throw queryError('MALFORMED_QUERY', soql, i, `line 1:${i} no viable alternative at character '${c}'`);
  }
  tokens.push({ kind: 'eof', text: '<EOF>', pos: soql.length });
  return tokens;
}
