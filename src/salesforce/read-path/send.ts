// Sends rendered queries and searches as few API calls as Salesforce allows: a composite holds 25 subrequests, of
// which 5 may be queries (searches are not counted among them); composites go at once. A lone short read goes to
// its plain endpoint (also one call); a long one inside a composite body, since a GET's URI much over 2,000
// characters is refused (414).
import type { Connection } from 'jsforce';
import { MAX_QUERIES_PER_COMPOSITE, MAX_SUBREQUESTS_PER_COMPOSITE } from '../composite.ts';
import { SalesforceCallError } from '../failures.ts';
import type { Answer, Row } from './merge.ts';

/** Past this, a query's URI risks a 414 on a plain GET. */
const MAX_QUERY_URL_CHARS = 1_800;

export interface Rendered {
  kind: 'query' | 'search';
  text: string;
}

interface CompositeResponse {
  compositeResponse: Array<{ body: unknown; httpStatusCode: number; referenceId: string }>;
}

/** Each read's answer, or the error Salesforce answered for it; a failed call rejects as a whole. */
export async function sendReads(
  conn: Connection,
  reads: readonly Rendered[],
): Promise<Array<Answer | SalesforceCallError>> {
  if (reads.length === 1 && encodeURIComponent(reads[0]!.text).length < MAX_QUERY_URL_CHARS)
    return [await sendAlone(conn, reads[0]!)];
  const composites: Rendered[][] = [];
  let current: Rendered[] = [];
  let queries = 0;
  for (const read of reads) {
    const isQuery = read.kind === 'query';
    if (
      current.length >= MAX_SUBREQUESTS_PER_COMPOSITE ||
      (isQuery && queries >= MAX_QUERIES_PER_COMPOSITE)
    ) {
      composites.push(current);
      current = [];
      queries = 0;
    }
    current.push(read);
    if (isQuery) queries++;
  }
  if (current.length > 0) composites.push(current);
  const answered = await Promise.all(composites.map((slice) => sendComposite(conn, slice)));
  return answered.flat();
}

async function sendAlone(conn: Connection, read: Rendered): Promise<Answer> {
  if (read.kind === 'search') {
    const found = await conn.search(read.text);
    return searchAnswer(found.searchRecords ?? []);
  }
  const result = await conn.query<Row>(read.text, { autoFetch: false });
  return { records: result.records.map(stripAttributes), done: result.done };
}

async function sendComposite(
  conn: Connection,
  reads: Rendered[],
): Promise<Array<Answer | SalesforceCallError>> {
  // Reads only: allOrNone false, so one failed read does not fail the others.
  const response = await conn.requestPost<CompositeResponse>('/composite', {
    allOrNone: false,
    compositeRequest: reads.map((read, index) => ({
      method: 'GET',
      url: `/services/data/v${conn.version}/${read.kind}?q=${encodeURIComponent(read.text)}`,
      referenceId: `r${index}`,
    })),
  });
  const byReference = new Map(response.compositeResponse.map((item) => [item.referenceId, item]));
  return reads.map((read, index) => {
    const item = byReference.get(`r${index}`);
    if (!item) return new SalesforceCallError('MISSING_SUBRESPONSE', 'the composite answered no result');
    if (item.httpStatusCode >= 300) {
      const error = (Array.isArray(item.body) ? item.body[0] : undefined) as
        | { errorCode?: string; message?: string }
        | undefined;
      return new SalesforceCallError(
        error?.errorCode ?? `ERROR_HTTP_${item.httpStatusCode}`,
        error?.message ?? 'the read failed',
      );
    }
    if (read.kind === 'search')
      return searchAnswer((item.body as { searchRecords?: Row[] }).searchRecords ?? []);
    const body = item.body as { records: Row[]; done: boolean };
    return { records: body.records.map(stripAttributes), done: body.done };
  });
}

function searchAnswer(rows: Row[]): Answer {
  return {
    records: rows.map(stripAttributes),
    done: true,
    types: rows.map((row) => (row.attributes as { type?: string } | undefined)?.type),
  };
}

function stripAttributes(record: Row): Row {
  const { attributes: _attributes, ...rest } = record;
  for (const [key, value] of Object.entries(rest)) {
    if (value && typeof value === 'object' && 'attributes' in value)
      rest[key] = stripAttributes(value as Row);
  }
  return rest;
}
