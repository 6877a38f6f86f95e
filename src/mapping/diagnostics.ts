// Diagnostics: every stage reports all the problems it finds as data, each with a code from a closed set.

/** The closed set of diagnostic codes, one per kind of problem. */
export const DIAGNOSTIC_CODES = [
  /** The text is not well-formed YAML. */
  'yaml-syntax',
  /** A mapping key appears twice in the same YAML map. */
  'duplicate-key',
  /** The JSON Schema forbids this property. */
  'unknown-property',
  /** The JSON Schema requires a property that is absent. */
  'missing-property',
  /** A value has the wrong JSON type. */
  'invalid-type',
  /** A value is outside what the schema allows (enum, pattern, length, uniqueness...). */
  'invalid-value',
  /** A source path names no CloudCX field. */
  'unknown-source-field',
  /** A Salesforce object is not in the field catalog. */
  'unknown-object',
  /** A Salesforce field is not on the object in the field catalog. */
  'unknown-salesforce-field',
  /** A field map entry has none, or more than one, of source / template / value. */
  'ambiguous-field-value',
  /** A Liquid template does not parse, or uses a forbidden tag or an unknown filter. */
  'template-syntax',
  /** A field the planner sets itself (OwnerId, WhoId...) is mapped. */
  'reserved-field',
  /** A field Salesforce requires on create can be left empty. */
  'required-field-unmapped',
  /** A value can exceed the field's length and no onOverflow rule says what to do. */
  'field-too-long',
  /** The field is not createable or updateable in the org. */
  'field-read-only',
  /** A constant is not one of the field's picklist values in the org. */
  'invalid-picklist-value',
  /** Two parts of the mapping contradict each other. */
  'contradictory-rule',
] as const;

export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

export interface Diagnostic {
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** Where in the mapping, e.g. `objects.Lead.LastName.source`; `(root)` for the whole document. */
  path: string;
  code: DiagnosticCode;
  message: string;
  severity: 'error' | 'warning';
}

/** `file:line:col  path  message`, the line the CLI prints. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}  ${d.path}  ${d.message}`;
}

/** Sorted by file, position, path and message, with exact duplicates removed. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of list) {
    const key = `${formatDiagnostic(d)}\u0000${d.code}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out.sort(
    (a, b) =>
      cmp(a.file, b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      cmp(a.path, b.path) ||
      cmp(a.message, b.message),
  );
}

export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export type PathSegment = string | number;

/** `objects.Lead.LastName`, `identification.Lead.rules[0].all[1].field`, `customFields["a b"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
