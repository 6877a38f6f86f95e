// Coalesces the SOQL reads of concurrent work: every query asked for in the same tick travels together. Queries
// that differ only in the value they compare are merged into one `IN (…)` query (soql-merge.ts), and what remains
// goes five to a composite request (Salesforce's limit), so a hundred visitors' identification costs one call.
// A SOSL search (`FIND …`, phone identification through the search index) is loaded the same way: searches that
// differ only in the number become one `FIND {"a" OR "b" …}` (sosl-merge.ts).
import DataLoader from 'dataloader';
import type { Connection } from 'jsforce';
import { MAX_QUERIES_PER_COMPOSITE } from './composite.ts';
import { SalesforceCallError } from './failures.ts';
import { mergeQueries, splitRows } from './soql-merge.ts';
import { isSearch, mergeSearches, splitSearchRows } from './sosl-merge.ts';

export type SalesforceRecord = Record<string, unknown> & { Id?: string };

interface QueryResult {
  totalSize: number;
  done: boolean;
  records: SalesforceRecord[];
}

/** Make one per unit of work: its cache then only dedupes queries of that work, never serves stale rows later. */
export function createQueryLoader(conn: Connection): DataLoader<string, SalesforceRecord[]> {
  return new DataLoader<string, SalesforceRecord[]>(async (queries) => {
    const results: Array<SalesforceRecord[] | Error | undefined> = new Array(queries.length);
    const { merged, single: rest } = mergeQueries(queries);
    const searches = mergeSearches(rest.map((index) => ({ index, text: queries[index]! })));
    const single = searches.single;
    const answers = await runQueries(conn, [
      ...merged.map((m) => m.soql),
      ...searches.merged.map((m) => m.sosl),
      ...single.map((i) => queries[i]!),
    ]);
    const fallback: number[] = [];
    merged.forEach((query, n) => {
      const answer = answers[n]!;
      if (answer instanceof Error) for (const member of query.members) results[member.index] = answer;
      // More rows than one page: rare (many matches per value); ask each query on its own instead.
      else if (!answer.done) fallback.push(...query.members.map((member) => member.index));
      else for (const [index, rows] of splitRows(query, answer.records)) results[index] = rows;
    });
    searches.merged.forEach((search, n) => {
      const answer = answers[merged.length + n]!;
      if (answer instanceof Error) for (const member of search.members) results[member.index] = answer;
      // As many rows as the search's limit: some visitor's may be missing; ask each on its own instead.
      else if (answer.records.length >= search.limit)
        fallback.push(...search.members.map((member) => member.index));
      else for (const [index, rows] of splitSearchRows(search, answer.records)) results[index] = rows;
    });
    const offset = merged.length + searches.merged.length;
    single.forEach((index, n) => {
      const answer = answers[offset + n]!;
      results[index] = answer instanceof Error ? answer : answer.records;
    });
    if (fallback.length > 0) {
      const again = await runQueries(
        conn,
        fallback.map((i) => queries[i]!),
      );
      fallback.forEach((index, n) => {
        const answer = again[n]!;
        results[index] = answer instanceof Error ? answer : answer.records;
      });
    }
    return results as Array<SalesforceRecord[] | Error>;
  });
}

const MAX_QUERY_URL_CHARS = 1_800;

/** Runs queries (SOQL or SOSL) five to a composite (one API call each); a lone one goes to its plain endpoint. */
async function runQueries(conn: Connection, queries: string[]): Promise<Array<QueryResult | Error>> {
  const out: Array<QueryResult | Error> = [];
  for (let start = 0; start < queries.length; start += MAX_QUERIES_PER_COMPOSITE) {
    const slice = queries.slice(start, start + MAX_QUERIES_PER_COMPOSITE);
    // A lone short query goes to the plain endpoint (also one call); a long one (a merged IN list) inside a
    // composite body, since a URL much over 2,000 characters is refused (414).
    if (slice.length === 1 && encodeURIComponent(slice[0]!).length < MAX_QUERY_URL_CHARS) {
      const text = slice[0]!;
      if (isSearch(text)) {
        const found = (await conn.search(text)) as unknown as { searchRecords?: SalesforceRecord[] };
        const records = (found.searchRecords ?? []).map(stripAttributes);
        out.push({ totalSize: records.length, done: true, records });
        continue;
      }
      const result = await conn.query<SalesforceRecord>(text, { autoFetch: false });
      out.push({
        totalSize: result.totalSize,
        done: result.done,
        records: result.records.map(stripAttributes),
      });
      continue;
    }
    const response = await conn.requestPost<{
      compositeResponse: Array<{ body: unknown; httpStatusCode: number }>;
    }>('/composite', {
      allOrNone: false,
      compositeRequest: slice.map((text, index) => ({
        method: 'GET',
        url: `/services/data/v${conn.version}/${isSearch(text) ? 'search' : 'query'}?q=${encodeURIComponent(text)}`,
        referenceId: `q${index}`,
      })),
    });
    for (const item of response.compositeResponse) {
      if (item.httpStatusCode >= 300) {
        const error = (Array.isArray(item.body) ? item.body[0] : undefined) as
          | { errorCode?: string; message?: string }
          | undefined;
        out.push(
          new SalesforceCallError(
            error?.errorCode ?? `ERROR_HTTP_${item.httpStatusCode}`,
            error?.message ?? 'query failed',
          ),
        );
      } else if (item.body && typeof item.body === 'object' && 'searchRecords' in item.body) {
        const records = ((item.body as { searchRecords: SalesforceRecord[] }).searchRecords ?? []).map(
          stripAttributes,
        );
        out.push({ totalSize: records.length, done: true, records });
      } else {
        const body = item.body as QueryResult;
        out.push({ ...body, records: body.records.map(stripAttributes) });
      }
    }
  }
  return out;
}

function stripAttributes(record: SalesforceRecord): SalesforceRecord {
  const { attributes: _attributes, ...rest } = record;
  for (const [key, value] of Object.entries(rest)) {
    if (value && typeof value === 'object' && 'attributes' in value)
      rest[key] = stripAttributes(value as SalesforceRecord);
  }
  return rest;
}
