// SOQL and SOSL text, rendered from the structured form at the very end, every value escaped (mapping/soql.ts).
// A merged read is still data here: conditions shared by all its members, and what each member asks for.
import type { ReadCondition, ReadValue, SalesforceRead } from '../../mapping/read.ts';
import { soqlString } from '../../mapping/soql.ts';

/** The filter of a merged read: `fixed` hold for every row; `any` is one alternative per member (an OR). */
export interface MergedWhere {
  fixed: readonly ReadCondition[];
  any: ReadonlyArray<readonly ReadCondition[]>;
}

export interface MergedQuery {
  object: string;
  fields: readonly string[];
  where: MergedWhere;
  orderBy?: SalesforceRead['orderBy'];
  limit: number;
}

/** One `FIND {"a" OR "b"} IN PHONE FIELDS RETURNING A(…), B(…)`: each object at most once. */
export interface MergedSearch {
  digits: readonly string[];
  returning: readonly MergedQuery[];
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const NAME = /^[A-Za-z][A-Za-z0-9_.]*$/;

export function renderValue(value: ReadValue): string {
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) {
    // Unquoted, whole seconds, UTC.
    const text = value.toISOString().replace(/\.\d+Z$/, 'Z');
    if (!DATETIME.test(text)) throw new Error(`not a SOQL datetime: ${text}`);
    return text;
  }
  return soqlString(value);
}

export function renderCondition(c: ReadCondition): string {
  return `${name(c.field)} ${c.op} ${renderValue(c.value)}`;
}

/** `A = 'x' AND (B IN ('1', '2'))`, or an OR of ANDs when the members differ in more than one field. */
export function renderWhere(where: MergedWhere): string {
  const parts = where.fixed.map(renderCondition);
  const alternatives = where.any.filter((a) => a.length > 0);
  if (alternatives.length > 0) {
    const fields = alternatives[0]!.map((c) => `${c.field}${c.op}`).join();
    const sameField =
      alternatives[0]!.length === 1 &&
      alternatives[0]![0]!.op === '=' &&
      alternatives.every((a) => a.map((c) => `${c.field}${c.op}`).join() === fields);
    if (sameField) {
      const field = alternatives[0]![0]!.field;
      parts.push(
        alternatives.length === 1
          ? renderCondition(alternatives[0]![0]!)
          : `${name(field)} IN (${alternatives.map((a) => renderValue(a[0]!.value)).join(', ')})`,
      );
    } else {
      const ored = alternatives.map((a) =>
        a.length === 1 || alternatives.length === 1
          ? a.map(renderCondition).join(' AND ')
          : `(${a.map(renderCondition).join(' AND ')})`,
      );
      parts.push(parts.length > 0 && ored.length > 1 ? `(${ored.join(' OR ')})` : ored.join(' OR '));
    }
  }
  return parts.join(' AND ');
}

function clauses(query: MergedQuery): string {
  const where = renderWhere(query.where);
  const order = query.orderBy ? ` ORDER BY ${name(query.orderBy.field)} ${query.orderBy.direction}` : '';
  return `${where ? ` WHERE ${where}` : ''}${order} LIMIT ${query.limit}`;
}

export function renderQuery(query: MergedQuery): string {
  return `SELECT ${query.fields.map(name).join(', ')} FROM ${name(query.object)}${clauses(query)}`;
}

export function renderSearch(search: MergedSearch): string {
  // Digits only, so nothing in a term needs SOSL's escaping; anything else is refused here.
  for (const d of search.digits) if (!/^\d+$/.test(d)) throw new Error(`not a phone search term: ${d}`);
  const terms = search.digits.map((d) => `"${d}"`).join(' OR ');
  const returning = search.returning
    .map((r) => `${name(r.object)}(${r.fields.map(name).join(', ')}${clauses(r)})`)
    .join(', ');
  return `FIND {${terms}} IN PHONE FIELDS RETURNING ${returning}`;
}

/** The text one read on its own would send: what planChat and `cx-salesforce plan --queries` show. */
export function renderRead(read: SalesforceRead): string {
  const query = single(read);
  return read.phone ? renderSearch({ digits: [read.phone.digits], returning: [query] }) : renderQuery(query);
}

export function single(read: SalesforceRead): MergedQuery {
  return {
    object: read.object,
    fields: read.fields,
    where: { fixed: read.where, any: [] },
    ...(read.orderBy ? { orderBy: read.orderBy } : {}),
    limit: read.limit,
  };
}

/** Object and field names come from the compiled mapping or our code, never from an event: checked anyway. */
function name(text: string): string {
  if (!NAME.test(text)) throw new Error(`not a Salesforce name: ${text}`);
  return text;
}
