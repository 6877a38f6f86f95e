// Many identification and owner queries differ only in the value they compare: `WHERE Email = 'a@x'`,
// `WHERE Email = 'b@y'`. Merged into `WHERE Email IN ('a@x', 'b@y')`, a hundred visitors cost one query, and the rows
// are dealt back to each original query by the value they carry. Pure: SOQL text in, SOQL text and rows out.
import { unescapeSoqlString } from '../mapping/soql.ts';

/** Salesforce caps the WHERE clause's text at 4,000 characters; leave room for the rest of the clause. */
export const MAX_IN_LIST_CHARS = 3_000;
/** Rows one query page holds; a merged query that needs more is not merged. */
export const MAX_ROWS_PER_PAGE = 2_000;

export interface ParsedQuery {
  select: string[];
  object: string;
  field: string;
  /** The literal as written (escaped, quoted) and its value. */
  literal: string;
  value: string;
  rest: string;
  orderBy: string;
  limit: number | null;
}

const SHAPE =
  /^SELECT (?<select>[A-Za-z0-9_., ]+) FROM (?<object>\w+) WHERE (?<field>\w+) = (?<literal>'(?:[^'\\]|\\.)*')(?<rest>(?: AND [^']*?(?:'(?:[^'\\]|\\.)*'[^']*?)*)?)(?: ORDER BY (?<orderBy>[A-Za-z0-9_ ,]+?))?(?: LIMIT (?<limit>\d+))?$/;

/** The parts of `SELECT … FROM … WHERE Field = '…' [AND …] [ORDER BY …] [LIMIT n]`, or null for other shapes. */
export function parseMergeable(soql: string): ParsedQuery | null {
  const match = SHAPE.exec(soql);
  if (!match?.groups) return null;
  const { select, object, field, literal, rest, orderBy, limit } = match.groups;
  const value = unescapeSoqlString(literal!);
  if (value === null) return null;
  return {
    select: select!.split(',').map((s) => s.trim()),
    object: object!,
    field: field!,
    literal: literal!,
    value,
    rest: rest ?? '',
    orderBy: orderBy ?? '',
    limit: limit ? Number(limit) : null,
  };
}

export interface MergedQuery {
  soql: string;
  field: string;
  /** The original queries this one answers, each with its value and its own limit. */
  members: Array<{ index: number; value: string; limit: number | null }>;
}

/** Groups the mergeable queries; each group of two or more becomes one or more IN queries. */
export function mergeQueries(queries: readonly string[]): { merged: MergedQuery[]; single: number[] } {
  const groups = new Map<string, Array<{ index: number; parsed: ParsedQuery }>>();
  const single: number[] = [];
  queries.forEach((soql, index) => {
    const parsed = parseMergeable(soql);
    if (!parsed) {
      single.push(index);
      return;
    }
    const key = [
      parsed.select.join(','),
      parsed.object,
      parsed.field,
      parsed.rest,
      parsed.orderBy,
      parsed.limit,
    ].join('|');
    groups.set(key, [...(groups.get(key) ?? []), { index, parsed }]);
  });
  const merged: MergedQuery[] = [];
  for (const group of groups.values()) {
    if (group.length === 1) {
      single.push(group[0]!.index);
      continue;
    }
    const { select, object, field, rest, orderBy } = group[0]!.parsed;
    const columns = select.some((s) => s.toLowerCase() === field.toLowerCase()) ? select : [...select, field];
    let chunk: typeof group = [];
    let chars = 0;
    const flush = () => {
      if (chunk.length === 0) return;
      const literals = [...new Set(chunk.map((m) => m.parsed.literal))];
      merged.push({
        soql: `SELECT ${columns.join(', ')} FROM ${object} WHERE ${field} IN (${literals.join(', ')})${rest}${orderBy ? ` ORDER BY ${orderBy}` : ''}`,
        field,
        members: chunk.map((m) => ({ index: m.index, value: m.parsed.value, limit: m.parsed.limit })),
      });
      chunk = [];
      chars = 0;
    };
    for (const member of group) {
      const rows = (member.parsed.limit ?? 10) * (chunk.length + 1);
      if (
        chunk.length > 0 &&
        (chars + member.parsed.literal.length + 2 > MAX_IN_LIST_CHARS || rows > MAX_ROWS_PER_PAGE)
      )
        flush();
      chunk.push(member);
      chars += member.parsed.literal.length + 2;
    }
    flush();
  }
  return { merged, single: single.sort((a, b) => a - b) };
}

/** Deals a merged query's rows back: SOQL's `=` ignores case on text, and so does this. */
export function splitRows<T extends Record<string, unknown>>(
  query: MergedQuery,
  rows: T[],
): Map<number, T[]> {
  const byValue = new Map<string, T[]>();
  for (const row of rows) {
    const key = String(row[query.field] ?? '').toLowerCase();
    byValue.set(key, [...(byValue.get(key) ?? []), row]);
  }
  return new Map(
    query.members.map((member) => {
      const mine = byValue.get(member.value.toLowerCase()) ?? [];
      return [member.index, member.limit === null ? mine : mine.slice(0, member.limit)];
    }),
  );
}
