// Coalesces the SOQL reads of concurrent work into composite requests: every query asked for in the same tick
// travels together, five to a composite (Salesforce's limit), and the same query asked twice is sent once.
import DataLoader from 'dataloader';
import type { Connection } from 'jsforce';
import { MAX_QUERIES_PER_COMPOSITE } from './composite.ts';
import { SalesforceCallError } from './failures.ts';

export type SalesforceRecord = Record<string, unknown> & { Id?: string };

interface QueryResult {
  totalSize: number;
  done: boolean;
  records: SalesforceRecord[];
}

/** Make one per unit of work: its cache then only dedupes queries of that work, never serves stale rows later. */
export function createQueryLoader(conn: Connection): DataLoader<string, SalesforceRecord[]> {
  return new DataLoader<string, SalesforceRecord[]>(async (queries) => {
    const results: Array<SalesforceRecord[] | Error> = [];
    for (let start = 0; start < queries.length; start += MAX_QUERIES_PER_COMPOSITE) {
      const slice = queries.slice(start, start + MAX_QUERIES_PER_COMPOSITE);
      if (slice.length === 1) {
        // A lone query is the same one call either way; the plain endpoint is simpler to read in logs.
        const result = await conn.query<SalesforceRecord>(slice[0]!, { autoFetch: false });
        results.push(result.records.map(stripAttributes));
        continue;
      }
      const response = await conn.requestPost<{
        compositeResponse: Array<{ body: unknown; httpStatusCode: number }>;
      }>('/composite', {
        allOrNone: false,
        compositeRequest: slice.map((soql, index) => ({
          method: 'GET',
          url: `/services/data/v${conn.version}/query?q=${encodeURIComponent(soql)}`,
          referenceId: `q${index}`,
        })),
      });
      for (const item of response.compositeResponse) {
        if (item.httpStatusCode >= 300) {
          const error = (Array.isArray(item.body) ? item.body[0] : undefined) as
            | { errorCode?: string; message?: string }
            | undefined;
          results.push(
            new SalesforceCallError(
              error?.errorCode ?? `ERROR_HTTP_${item.httpStatusCode}`,
              error?.message ?? 'query failed',
            ),
          );
        } else {
          results.push((item.body as QueryResult).records.map(stripAttributes));
        }
      }
    }
    return results;
  });
}

function stripAttributes(record: SalesforceRecord): SalesforceRecord {
  const { attributes: _attributes, ...rest } = record;
  for (const [key, value] of Object.entries(rest)) {
    if (value && typeof value === 'object' && 'attributes' in value)
      rest[key] = stripAttributes(value as SalesforceRecord);
  }
  return rest;
}
