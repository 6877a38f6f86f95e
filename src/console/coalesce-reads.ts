// Many consoles' identification reads as few SOQL queries: one identification rule asked for many visitors becomes
// one `WHERE Email IN (...)` (an OR of LIKE patterns for phone rules), and the rows are split back per visitor by the
// rule's normalized value. identify() still re-checks every row against its own visitor.
import type { CompiledMapping, CompiledRule, IdentifiedObject } from '../mapping/compile.ts';
import type { Section } from '../mapping/event.ts';
import { KNOWN_RULE } from '../mapping/identify.ts';
import { IDENTIFY_LIMIT, whereClause } from '../mapping/lookups.ts';
import { normalize } from '../mapping/normalize.ts';
import { soqlString } from '../mapping/soql.ts';
import { readSource, type SourceContext } from '../mapping/sources.ts';
import type { SalesforceRecord } from '../salesforce/query-loader.ts';

/** Salesforce allows a WHERE clause string of at most 4,000 characters (salesforce.md section 3). */
export const MAX_WHERE_CHARS = 4_000;
/** One query page holds at most 2,000 rows; a coalesced query never asks for more, so one page answers it. */
export const MAX_ROWS_PER_QUERY = 2_000;
/** Values per query, so that IDENTIFY_LIMIT rows for each still fit in one page. */
const MAX_VALUES_PER_QUERY = MAX_ROWS_PER_QUERY / IDENTIFY_LIMIT;
/** The values' share of a WHERE clause: the rest is the field name, `IN (...)` and separators. */
const WHERE_BUDGET = MAX_WHERE_CHARS - 100;
/** `, ` between IN values, ` OR ` between clauses. */
const SEPARATOR_CHARS = 4;

/** One visitor's read of one object: by the Id CloudCX recorded it to, or by one identification rule. */
export interface Want {
  /** Whose want it is (the caller's index); the caller files the rows under it. */
  asker: number;
  mapping: CompiledMapping;
  section: Section;
  object: IdentifiedObject;
  by: { knownId: string } | { rule: CompiledRule; context: SourceContext };
}

export interface CoalescedRead {
  object: IdentifiedObject;
  /** The rule's name, or `known` for reads by Id. */
  rule: string;
  soql: string;
  wants: readonly Want[];
  /** The rows that may be `want`'s, out of the rows this read returned. */
  rowsFor(want: Want, rows: readonly SalesforceRecord[]): SalesforceRecord[];
  /** A full page: some rows may be missing, so each want must be read on its own (the sync's LIMIT). */
  truncated(rows: readonly SalesforceRecord[]): boolean;
}

/** Groups wants by mapping, section, object and rule, and packs each group into as few queries as fit. */
export function coalesceReads(wants: readonly Want[]): CoalescedRead[] {
  const groups = new Map<string, Want[]>();
  for (const want of wants) {
    const rule = 'knownId' in want.by ? KNOWN_RULE : want.by.rule.name;
    const key = [want.mapping.version, want.section, want.object, rule].join('\u0000');
    const group = groups.get(key) ?? [];
    group.push(want);
    groups.set(key, group);
  }
  return [...groups.values()].flatMap(readsOfGroup);
}

/** How one want is asked for: a literal in `Field IN (...)` (keyed by its normalized value) or a clause to OR. */
type Piece = { kind: 'in'; field: string; key: string; text: string } | { kind: 'or'; text: string };

function readsOfGroup(group: Want[]): CoalescedRead[] {
  const first = group[0]!;
  const byPiece = new Map<string, { piece: Piece; wants: Want[] }>();
  for (const want of group) {
    const piece = pieceOf(want);
    // A literal longer than a whole WHERE clause cannot be sent, and no identifying field is that long.
    if (!piece || piece.text.length > WHERE_BUDGET) continue;
    const entry = byPiece.get(piece.text) ?? { piece, wants: [] };
    entry.wants.push(want);
    byPiece.set(piece.text, entry);
  }
  const reads: CoalescedRead[] = [];
  let chunk: Array<{ piece: Piece; wants: Want[] }> = [];
  let length = 0;
  for (const entry of byPiece.values()) {
    const full = length + entry.piece.text.length > WHERE_BUDGET || chunk.length === MAX_VALUES_PER_QUERY;
    if (chunk.length > 0 && full) {
      reads.push(readOf(first, chunk));
      chunk = [];
      length = 0;
    }
    chunk.push(entry);
    length += entry.piece.text.length + SEPARATOR_CHARS;
  }
  if (chunk.length > 0) reads.push(readOf(first, chunk));
  return reads;
}

function pieceOf(want: Want): Piece | undefined {
  if ('knownId' in want.by)
    return { kind: 'in', field: 'Id', key: want.by.knownId, text: soqlString(want.by.knownId) };
  const { rule, context } = want.by;
  const where = whereClause(rule, context);
  // A compared CloudCX value is blank (or a phone too short): the rule does not apply to this visitor.
  if (!where) return undefined;
  const [only] = rule.all;
  if (rule.all.length === 1 && only && only.normalize !== 'phone' && only.normalize !== 'e164') {
    const key = normalize(String(readSource(context, only.source)), only.normalize, only.countryCode);
    return { kind: 'in', field: only.field, key, text: soqlString(key) };
  }
  return { kind: 'or', text: rule.all.length > 1 ? `(${where})` : where };
}

function readOf(want: Want, chunk: Array<{ piece: Piece; wants: Want[] }>): CoalescedRead {
  const { mapping, section, object } = want;
  const rule = 'rule' in want.by ? want.by.rule : undefined;
  const pieces = chunk.map((entry) => entry.piece);
  const first = pieces[0]!;
  const inField = first.kind === 'in' ? first.field : undefined;
  const where = inField
    ? `${inField} IN (${pieces.map((p) => p.text).join(', ')})`
    : pieces.map((p) => p.text).join(' OR ');
  const fields = selectFields(mapping, section, object, rule).join(', ');
  let soql: string;
  let limit: number;
  if (rule) {
    const order =
      mapping.identification[object]?.onMultiple === 'oldest' ? 'CreatedDate ASC' : 'LastModifiedDate DESC';
    limit = Math.min(MAX_ROWS_PER_QUERY, IDENTIFY_LIMIT * pieces.length);
    soql = `SELECT ${fields} FROM ${object} WHERE ${where} ORDER BY ${order} LIMIT ${limit}`;
  } else {
    limit = pieces.length;
    soql = `SELECT ${fields} FROM ${object} WHERE ${where} LIMIT ${limit}`;
  }
  // Which want asked for which value, to split the rows back by the rule's normalized value (or by Id).
  const keyOf = new Map<Want, string>();
  for (const { piece, wants } of chunk)
    for (const w of wants) if (piece.kind === 'in') keyOf.set(w, piece.key);
  const condition = rule?.all[0];
  const rowKey = (row: SalesforceRecord): string | undefined => {
    const value = inField ? row[inField] : undefined;
    if (typeof value !== 'string') return undefined;
    return condition ? normalize(value, condition.normalize, condition.countryCode) : value;
  };
  return {
    object,
    rule: rule?.name ?? KNOWN_RULE,
    soql,
    wants: chunk.flatMap((entry) => entry.wants),
    rowsFor: (w, rows) => {
      const key = keyOf.get(w);
      // OR'ed clauses (phones, several conditions): every row; identify() keeps the visitor's own.
      return key === undefined ? [...rows] : rows.filter((row) => rowKey(row) === key);
    },
    truncated: (rows) => rule !== undefined && chunk.length > 1 && rows.length >= limit,
  };
}

/** Id and the dates onMultiple compares, the fields the rule compares, and the section's display fields. */
export function selectFields(
  mapping: CompiledMapping,
  section: Section,
  object: IdentifiedObject,
  rule?: CompiledRule,
): string[] {
  const fields = new Set(['Id']);
  if (rule) {
    fields.add('LastModifiedDate');
    fields.add('CreatedDate');
    for (const c of rule.all) fields.add(c.field);
  }
  for (const f of mapping.display[section][object] ?? []) fields.add(f);
  return [...fields];
}
