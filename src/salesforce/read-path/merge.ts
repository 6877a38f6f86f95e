// Many structured reads as few queries and searches. Reads that differ only in the values they compare become one
// query (`Email IN ('a', 'b')`, or an OR of each member's conditions); phone reads become one
// `FIND {"a" OR "b"} IN PHONE FIELDS RETURNING Lead(…), Contact(…)`. Each batch routes its rows back to its members
// by their own conditions, compared with the rule's normaliser. Pure: reads in, structured batches and rows out.
import { digits, normalize } from '../../mapping/normalize.ts';
import type { ReadCondition, SalesforceRead } from '../../mapping/read.ts';
import {
  type MergedQuery,
  type MergedSearch,
  renderCondition,
  renderQuery,
  renderSearch,
  single,
} from './render.ts';

/** Salesforce caps a WHERE clause's string at 4,000 characters. */
export const MAX_WHERE_CHARS = 4_000;
/** ...and a string literal at 4,000: a longer value equals no filterable field, so it is answered "no rows". */
export const MAX_STRING_LITERAL = 4_000;
/** Rows one query page holds: a merged query never asks for more, so one page answers it. */
export const MAX_ROWS_PER_PAGE = 2_000;
/** Salesforce answers at most 2,000 rows per search, over all its objects. */
export const MAX_SEARCH_ROWS = 2_000;
/** Numbers per search: a search string past 4,000 characters loses its OR operators; 50 terms stay far below. */
export const MAX_TERMS_PER_SEARCH = 50;
/** Fewer digits than this identify no one (as the planner's phone comparison). */
const MIN_PHONE_DIGITS = 7;

export type Row = Record<string, unknown> & { Id?: string };

/** A page of rows; a search's rows each with their object's name (`attributes.type`). */
export interface Answer {
  records: Row[];
  done: boolean;
  types?: ReadonlyArray<string | undefined>;
}

export interface Member {
  index: number;
  read: SalesforceRead;
}

export interface Batch {
  kind: 'query' | 'search';
  text: string;
  members: readonly Member[];
  /** Each member's rows; `full` members may miss rows (the page or search was full) and are read alone again. */
  route(answer: Answer): { rows: Map<number, Row[]>; full: Member[] };
}

/** One batch per read, nothing merged: the fallback for reads whose merged batch came back full. */
export function alone(members: readonly Member[]): Batch[] {
  return members.map((member) => {
    const query = single(member.read);
    return {
      kind: member.read.phone ? 'search' : 'query',
      text: member.read.phone
        ? renderSearch({ digits: [member.read.phone.digits], returning: [query] })
        : renderQuery(query),
      members: [member],
      route: ({ records }) => ({
        rows: new Map([[member.index, records.slice(0, member.read.limit)]]),
        full: [],
      }),
    };
  });
}

/** The reads as few batches as Salesforce's limits allow. */
export function mergeReads(members: readonly Member[]): Batch[] {
  const queries = groupBy(
    members.filter((m) => !m.read.phone),
    shapeKey,
  );
  const searches = groupBy(
    members.filter((m) => m.read.phone),
    shapeKey,
  );
  return [...[...queries.values()].flatMap(queryBatches), ...searchBatches([...searches.values()])];
}

/** What a member asks for beyond the conditions its group shares, and the members asking exactly that. */
interface Piece {
  conditions: ReadCondition[];
  digits?: string;
  members: Member[];
  chars: number;
}

interface Group {
  first: SalesforceRead;
  fixed: ReadCondition[];
  pieces: Piece[];
  fields: string[];
}

/** Object, order, limit, the compared fields and operators: reads of one shape merge. */
function shapeKey({ read }: Member): string {
  const where = read.where.map((c) => `${c.field}${c.op}`).join(',');
  const order = read.orderBy ? `${read.orderBy.field} ${read.orderBy.direction}` : '';
  return [read.object, order, read.limit, where, read.phone?.field ?? ''].join('|');
}

function groupOf(members: Member[]): Group {
  const first = members[0]!.read;
  // Conditions every member compares to the same value are said once.
  const shared = first.where.map((c, n) =>
    members.every((m) => renderCondition(m.read.where[n]!) === renderCondition(c)),
  );
  const pieces = new Map<string, Piece>();
  for (const member of members) {
    const conditions = member.read.where.filter((_, n) => !shared[n]);
    const text = conditions.map(renderCondition).join(' AND ');
    const key = `${member.read.phone?.digits ?? ''}|${text}`;
    const piece = pieces.get(key) ?? {
      conditions,
      ...(member.read.phone ? { digits: member.read.phone.digits } : {}),
      members: [],
      chars: text.length + 8,
    };
    piece.members.push(member);
    pieces.set(key, piece);
  }
  // Routing compares the conditions that differ, and the phone: the rows must carry those fields.
  const fields = new Set(members.flatMap((m) => m.read.fields));
  for (const c of first.where.filter((_, n) => !shared[n])) fields.add(c.field);
  if (first.phone) fields.add(first.phone.field);
  return {
    first,
    fixed: first.where.filter((_, n) => shared[n]),
    pieces: [...pieces.values()],
    fields: [...fields],
  };
}

/** Pieces in chunks whose WHERE and rows fit one query page. */
function chunks(group: Group, maxPieces: number, maxRows: number): Piece[][] {
  const budget = MAX_WHERE_CHARS - group.fixed.map(renderCondition).join(' AND ').length - 50;
  const out: Piece[][] = [];
  let chunk: Piece[] = [];
  let chars = 0;
  for (const piece of group.pieces) {
    const full =
      chars + piece.chars > budget ||
      chunk.length >= maxPieces ||
      mergedLimit(group.first.limit, chunk.length + 1, true) > maxRows;
    if (chunk.length > 0 && full) {
      out.push(chunk);
      chunk = [];
      chars = 0;
    }
    chunk.push(piece);
    chars += piece.chars;
  }
  if (chunk.length > 0) out.push(chunk);
  return out;
}

/** Rows a merged read asks for: every member's limit, and one more, so that fewer rows prove none is missing. */
const mergedLimit = (limit: number, pieces: number, merged: boolean) => (merged ? limit * pieces + 1 : limit);

function mergedQuery(group: Group, chunk: Piece[], merged: boolean): MergedQuery {
  const { first } = group;
  return {
    object: first.object,
    fields: group.fields,
    where: { fixed: group.fixed, any: chunk.map((p) => p.conditions) },
    ...(first.orderBy ? { orderBy: first.orderBy } : {}),
    limit: mergedLimit(first.limit, chunk.length, merged),
  };
}

function queryBatches(members: Member[]): Batch[] {
  const group = groupOf(members);
  return chunks(group, Number.POSITIVE_INFINITY, MAX_ROWS_PER_PAGE).map((chunk) => {
    const query = mergedQuery(group, chunk, chunk.length > 1);
    return {
      kind: 'query',
      text: renderQuery(query),
      members: chunk.flatMap((p) => p.members),
      route: ({ records, done }) => {
        const full = !done || (chunk.length > 1 && records.length >= query.limit);
        if (full && chunk.length > 1) return { rows: new Map(), full: chunk.flatMap((p) => p.members) };
        return { rows: deal(chunk, records, chunk.length > 1, false), full: [] };
      },
    };
  });
}

/** Chunks of every phone group, packed into searches: up to 50 numbers, 2,000 rows, each object once. A member
 *  alone in its search keeps its own limit; `rows` counts the merged one (one more), to stay on the safe side. */
function searchBatches(groups: Member[][]): Batch[] {
  const searches: Array<{
    digits: Set<string>;
    parts: Array<{ group: Group; chunk: Piece[] }>;
    rows: number;
  }> = [];
  for (const members of groups) {
    const group = groupOf(members);
    for (const chunk of chunks(group, MAX_TERMS_PER_SEARCH, MAX_SEARCH_ROWS)) {
      const wanted = new Set(chunk.map((p) => p.digits!));
      const rows = mergedLimit(group.first.limit, chunk.length, true);
      const fits = searches.find(
        (s) =>
          s.rows + rows <= MAX_SEARCH_ROWS &&
          new Set([...s.digits, ...wanted]).size <= MAX_TERMS_PER_SEARCH &&
          !s.parts.some((p) => p.group.first.object === group.first.object),
      );
      if (fits) {
        for (const d of wanted) fits.digits.add(d);
        fits.parts.push({ group, chunk });
        fits.rows += rows;
      } else searches.push({ digits: wanted, parts: [{ group, chunk }], rows });
    }
  }
  return searches.map((s) => {
    const several = s.digits.size > 1;
    const returning = s.parts.map(({ group, chunk }) =>
      mergedQuery(group, chunk, several || chunk.length > 1),
    );
    const search: MergedSearch = { digits: [...s.digits], returning };
    return {
      kind: 'search',
      text: renderSearch(search),
      members: s.parts.flatMap(({ chunk }) => chunk.flatMap((p) => p.members)),
      route: ({ records, types }) => {
        const rows = new Map<number, Row[]>();
        const full: Member[] = [];
        s.parts.forEach(({ group, chunk }, n) => {
          const mine = records.filter((_, i) => types?.[i] === group.first.object);
          const merged = several || chunk.length > 1;
          if (merged && mine.length >= returning[n]!.limit) full.push(...chunk.flatMap((p) => p.members));
          else for (const [index, found] of deal(chunk, mine, merged, true)) rows.set(index, found);
        });
        return { rows, full };
      },
    };
  });
}

/** Each member's rows, in the batch's order and within its own limit. */
function deal(chunk: Piece[], records: Row[], route: boolean, byPhone: boolean): Map<number, Row[]> {
  const out = new Map<number, Row[]>();
  for (const piece of chunk) {
    const mine = route
      ? records.filter(
          (row) =>
            piece.conditions.every((c) => holds(c, row)) &&
            (!byPhone || samePhone(row[piece.members[0]!.read.phone!.field], piece.digits!)),
        )
      : records;
    for (const member of piece.members) out.set(member.index, mine.slice(0, member.read.limit));
  }
  return out;
}

/** Whether a row meets a condition the way Salesforce applied it: text ignoring case, or the rule's normaliser. */
function holds(c: ReadCondition, row: Row): boolean {
  const have = row[c.field];
  if (c.value instanceof Date)
    return (
      typeof have === 'string' &&
      Date.parse(have.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) >= c.value.getTime()
    );
  if (typeof c.value === 'boolean') return have === c.value;
  if (typeof have !== 'string') return false;
  if (c.normalize)
    return normalize(have, c.normalize, c.countryCode) === normalize(c.value, c.normalize, c.countryCode);
  return have.toLowerCase() === c.value.toLowerCase();
}

/** A stored phone in any format ends with the searched digits, or the other way round (a country code on one side). */
function samePhone(value: unknown, wanted: string): boolean {
  if (typeof value !== 'string') return false;
  const have = digits(value);
  return have.length >= MIN_PHONE_DIGITS && (have.endsWith(wanted) || wanted.endsWith(have));
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}
