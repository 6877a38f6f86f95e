// Phone identification goes through Salesforce's search index (SOSL), since `Phone LIKE '%…'` scans the whole table.
// The searches of many visitors that differ only in the number they look for are merged into one
// `FIND {"a" OR "b" …}`, and the rows are dealt back to each visitor by the digits they carry. Pure: text in, text
// and rows out.

/** Salesforce answers at most 2,000 rows per search. */
export const MAX_SEARCH_ROWS = 2_000;
/** Numbers per merged search: keeps the search string short and a page of rows enough for all of them. */
export const MAX_TERMS_PER_SEARCH = 50;
/** A phone's tail shorter than this identifies no one (as in the search index's own matching). */
const MIN_TAIL = 7;

const SHAPE =
  /^FIND \{"(?<digits>\d+)"\} IN PHONE FIELDS RETURNING (?<object>\w+)\((?<inner>.*) LIMIT (?<limit>\d+)\)$/s;

export const isSearch = (text: string): boolean => /^FIND\s*\{/i.test(text);

/** The search of one visitor's phone, as lookups write it. */
export function phoneSearch(digits: string, object: string, inner: string, limit: number): string {
  return `FIND {"${digits}"} IN PHONE FIELDS RETURNING ${object}(${inner} LIMIT ${limit})`;
}

export interface MergedSearch {
  sosl: string;
  limit: number;
  members: Array<{ index: number; digits: string; limit: number }>;
}

export function mergeSearches(queries: ReadonlyArray<{ index: number; text: string }>): {
  merged: MergedSearch[];
  single: number[];
} {
  const groups = new Map<string, Array<{ index: number; digits: string; limit: number }>>();
  const single: number[] = [];
  for (const { index, text } of queries) {
    const match = SHAPE.exec(text);
    if (!match?.groups) {
      single.push(index);
      continue;
    }
    const { digits, object, inner, limit } = match.groups;
    const key = `${object}(${inner})`;
    const group = groups.get(key) ?? [];
    group.push({ index, digits: digits!, limit: Number(limit) });
    groups.set(key, group);
  }
  const merged: MergedSearch[] = [];
  for (const [returning, group] of groups) {
    if (group.length === 1) {
      single.push(group[0]!.index);
      continue;
    }
    for (let start = 0; start < group.length; start += MAX_TERMS_PER_SEARCH) {
      const members = group.slice(start, start + MAX_TERMS_PER_SEARCH);
      const terms = [...new Set(members.map((m) => m.digits))].map((d) => `"${d}"`).join(' OR ');
      const limit = Math.min(
        MAX_SEARCH_ROWS,
        members.reduce((sum, m) => sum + m.limit, 0),
      );
      merged.push({
        sosl: `FIND {${terms}} IN PHONE FIELDS RETURNING ${returning.slice(0, -1)} LIMIT ${limit})`,
        limit,
        members,
      });
    }
  }
  return { merged, single: single.sort((a, b) => a - b) };
}

/** Deals a merged search's rows back: a row is a visitor's when one of its phones ends with the visitor's digits
 *  (or the other way round, a country code on one side only). The planner then compares exactly. */
export function splitSearchRows<T extends Record<string, unknown>>(
  search: MergedSearch,
  rows: T[],
): Map<number, T[]> {
  const phonesOf = (row: T) =>
    Object.entries(row)
      // Ids and dates are digits too, never phones.
      .filter(([key, v]) => typeof v === 'string' && !/Id$|Date$/.test(key))
      .map(([, v]) => v as string)
      .map((v) => v.replace(/\D/g, ''))
      .filter((d) => d.length >= MIN_TAIL);
  const digits = rows.map(phonesOf);
  return new Map(
    search.members.map((member) => {
      const mine = rows.filter((_, n) =>
        digits[n]!.some((d) => d === member.digits || d.endsWith(member.digits) || member.digits.endsWith(d)),
      );
      return [member.index, mine.slice(0, member.limit)];
    }),
  );
}
