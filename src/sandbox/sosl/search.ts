// Runs a SOSL search against the sandbox's records: each RETURNING object is read with the SOQL engine (its WHERE and
// ORDER BY), then kept when the search terms match the fields in scope. Phone fields match on digits, whatever the
// formatting ("5550102030" finds "(555) 010-2030" and "+1 555 010 2030"), as Salesforce's search index does.
import { SfError } from '../errors.ts';
import type { Org } from '../org.ts';
import { runQuery } from '../soql/execute.ts';
import type { SObject } from '../store.ts';
import { MAX_SEARCH_ROWS, parseSosl, type SearchScope, type SoslQuery } from './parse.ts';

/** Fewer digits than this never match a phone by its tail (a search for "123" is not a phone number). */
const MIN_PHONE_TAIL = 7;

export function runSearch(org: Org, text: string): { searchRecords: SObject[] } {
  const query: SoslQuery = parseSosl(text);
  const out: SObject[] = [];
  const total = Math.min(query.limit ?? MAX_SEARCH_ROWS, MAX_SEARCH_ROWS);
  for (const spec of query.returning) {
    const schema = org.schemas.get(org.store.settings, spec.object);
    if (!schema) throw new SfError(400, 'INVALID_TYPE', `sObject type '${spec.object}' is not supported.`);
    const wanted = spec.fields.length > 0 ? spec.fields : ['Id'];
    const withId = wanted.some((f) => f.toLowerCase() === 'id') ? wanted : ['Id', ...wanted];
    const soql = `SELECT ${withId.join(', ')} FROM ${spec.object}${spec.where ? ` WHERE ${spec.where}` : ''}${spec.orderBy ? ` ORDER BY ${spec.orderBy}` : ''}`;
    const fields = searchedFields(schema.fields, query.scope);
    const limit = spec.limit ?? total;
    let taken = 0;
    for (const row of runQuery(org, soql, false).records) {
      if (out.length >= total || taken >= limit) break;
      const record = org.store.get(schema.name, row.Id as string);
      if (!record || !matches(query, fields, record)) continue;
      if (!wanted.some((f) => f.toLowerCase() === 'id')) delete row.Id;
      out.push(row);
      taken++;
    }
  }
  return { searchRecords: out };
}

function searchedFields(
  fields: Array<{ name: string; type: string }>,
  scope: SearchScope,
): Array<{ name: string; phone: boolean }> {
  const text = new Set(['string', 'email', 'phone', 'textarea', 'url', 'picklist']);
  return fields
    .filter((f) => {
      if (scope === 'PHONE') return f.type === 'phone';
      if (scope === 'EMAIL') return f.type === 'email';
      if (scope === 'NAME') return /Name$/.test(f.name) && f.type === 'string';
      return text.has(f.type);
    })
    .map((f) => ({ name: f.name, phone: f.type === 'phone' }));
}

function matches(
  query: SoslQuery,
  fields: Array<{ name: string; phone: boolean }>,
  record: SObject,
): boolean {
  const hit = (term: string) =>
    fields.some(({ name, phone }) => {
      const value = record[name];
      if (typeof value !== 'string' || value === '') return false;
      return phone ? phoneMatches(value, term) : textMatches(value, term);
    });
  return query.operator === 'AND' ? query.terms.every(hit) : query.terms.some(hit);
}

function phoneMatches(stored: string, term: string): boolean {
  const have = stored.replace(/\D/g, '');
  const want = term.replace(/\D/g, '');
  if (!want || !have) return false;
  if (have === want) return true;
  // A country code on one side only: the shorter number is the tail of the longer.
  return Math.min(have.length, want.length) >= MIN_PHONE_TAIL && (have.endsWith(want) || want.endsWith(have));
}

/** Words match whole, ignoring case; a trailing `*` matches any ending. */
function textMatches(stored: string, term: string): boolean {
  const words = stored.toLowerCase().split(/[^\p{L}\p{N}@._-]+/u);
  const want = term.toLowerCase();
  if (want.endsWith('*')) return words.some((w) => w.startsWith(want.slice(0, -1)));
  return stored.toLowerCase() === want || words.includes(want);
}
