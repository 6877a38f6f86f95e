// SOQL string literals, escaped as salesforce.md section 3 says: single quotes only; valid escapes are
// \' \" \\ \n \r \t \b \f and \uXXXX; any other backslash sequence is MALFORMED_QUERY. Backslash goes first,
// so the backslashes the later escapes add are never doubled.

const CONTROL: Readonly<Record<string, string>> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

function escapeBody(value: string): string {
  return (
    value
      .replace(/\\/g, '\\\\')
      .replace(/'/g, "\\'")
      .replace(/"/g, '\\"')
      .replace(/[\n\r\t\b\f]/g, (c) => CONTROL[c]!)
      // Other control characters: a raw one inside a literal is not documented to work; \uXXXX is.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
      .replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  );
}

/** A quoted SOQL string literal for `=`, `!=`, `IN`: `soqlString("O'Brien")` → `'O\'Brien'`. */
export function soqlString(value: string): string {
  return `'${escapeBody(value)}'`;
}

/** A quoted literal for `LIKE` matching `value` literally: `_` and `%` are escaped as well. */
export function soqlLike(value: string): string {
  return `'${escapeLikeBody(value)}'`;
}

/** The body of a LIKE pattern (no quotes) matching `value` literally, to combine with `%` wildcards. */
export function escapeLikeBody(value: string): string {
  return escapeBody(value).replace(/[_%]/g, (c) => `\\${c}`);
}
