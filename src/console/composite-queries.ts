// Sends many SOQL queries as few API calls: five to a composite (Salesforce's limit on queries per composite), the
// composites at once. Always a composite, even for one query: a coalesced WHERE is up to 4,000 characters, and inside
// a composite body it never meets the ~2,000-character limit of a GET's URI (salesforce.md sections 3 and 4).
import type { Connection } from 'jsforce';
import { MAX_QUERIES_PER_COMPOSITE } from '../salesforce/composite.ts';
import { SalesforceCallError } from '../salesforce/failures.ts';
import type { SalesforceRecord } from '../salesforce/query-loader.ts';

interface CompositeResponse {
  compositeResponse: Array<{ body: unknown; httpStatusCode: number; referenceId: string }>;
}

/** The rows of each query, or the error Salesforce answered for it; a failed call rejects as a whole. */
export async function runQueries(
  conn: Connection,
  queries: readonly string[],
): Promise<Array<SalesforceRecord[] | SalesforceCallError>> {
  const slices: string[][] = [];
  for (let start = 0; start < queries.length; start += MAX_QUERIES_PER_COMPOSITE)
    slices.push(queries.slice(start, start + MAX_QUERIES_PER_COMPOSITE));
  const answered = await Promise.all(slices.map((slice) => runComposite(conn, slice)));
  return answered.flat();
}

async function runComposite(
  conn: Connection,
  queries: string[],
): Promise<Array<SalesforceRecord[] | SalesforceCallError>> {
  // Reads only: allOrNone false, so one failed query does not fail the others.
  const response = await conn.requestPost<CompositeResponse>('/composite', {
    allOrNone: false,
    compositeRequest: queries.map((soql, index) => ({
      method: 'GET',
      url: `/services/data/v${conn.version}/query?q=${encodeURIComponent(soql)}`,
      referenceId: `q${index}`,
    })),
  });
  const byReference = new Map(response.compositeResponse.map((item) => [item.referenceId, item]));
  return queries.map((_soql, index) => {
    const item = byReference.get(`q${index}`);
    if (!item) return new SalesforceCallError('MISSING_SUBRESPONSE', 'the composite answered no result');
    if (item.httpStatusCode >= 300) {
      const error = (Array.isArray(item.body) ? item.body[0] : undefined) as
        | { errorCode?: string; message?: string }
        | undefined;
      return new SalesforceCallError(
        error?.errorCode ?? `ERROR_HTTP_${item.httpStatusCode}`,
        error?.message ?? 'the query failed',
      );
    }
    return (item.body as { records: SalesforceRecord[] }).records;
  });
}
