// Query paging: results beyond one batch wait behind a locator, `{cursor}-{offset}`, fetched by queryMore.
import { SfError } from '../errors.ts';
import type { Org } from '../org.ts';
import type { SObject } from '../store.ts';
import { runQuery } from './execute.ts';

export const DEFAULT_BATCH_SIZE = 2_000;
export const MIN_BATCH_SIZE = 200;
const MAX_CURSORS = 500;

export class QueryCursors {
  private cursors = new Map<string, { records: SObject[]; batchSize: number }>();
  private seq = 0;

  /** `Sforce-Query-Options: batchSize=N` is a hint between 200 and 2,000. */
  static batchSize(header: string | undefined): number {
    const match = /batchSize\s*=\s*(\d+)/i.exec(header ?? '');
    if (!match) return DEFAULT_BATCH_SIZE;
    return Math.min(DEFAULT_BATCH_SIZE, Math.max(MIN_BATCH_SIZE, Number(match[1])));
  }

  query(org: Org, soql: string, includeDeleted: boolean, batchSize: number): SObject {
    const { totalSize, records } = runQuery(org, soql, includeDeleted);
    if (records.length <= batchSize) return { totalSize, done: true, records };
    const cursor = `01g${org.store.ids.next('01g').slice(3, 15)}${(++this.seq).toString(36)}`;
    this.cursors.set(cursor, { records, batchSize });
    // Old cursors expire, as idle ones do on a real org.
    if (this.cursors.size > MAX_CURSORS) this.cursors.delete(this.cursors.keys().next().value!);
    return this.page(org, cursor, 0, totalSize);
  }

  more(org: Org, locator: string): SObject {
    const match = /^(.+)-(\d+)$/.exec(locator);
    const cursor = match ? this.cursors.get(match[1]!) : undefined;
    if (!match || !cursor) throw new SfError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    return this.page(org, match[1]!, Number(match[2]), cursor.records.length);
  }

  private page(org: Org, cursor: string, offset: number, totalSize: number): SObject {
    const { records, batchSize } = this.cursors.get(cursor)!;
    const end = offset + batchSize;
    const done = end >= records.length;
    const out: SObject = { totalSize, done };
    if (!done) out.nextRecordsUrl = `/services/data/v${org.apiVersion}/query/${cursor}-${end}`;
    out.records = records.slice(offset, end);
    if (done) this.cursors.delete(cursor);
    return out;
  }

  clear(): void {
    this.cursors.clear();
  }
}
