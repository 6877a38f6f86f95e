// The one Salesforce read path. The sync, the console and planChat hand it structured reads (mapping/read.ts); it
// merges those asked for together (merge.ts), renders SOQL/SOSL text from them (render.ts), sends them in as few
// calls as fit (send.ts) and routes each read its rows. A merged read that came back full is read again alone.
import DataLoader from 'dataloader';
import type { Connection } from 'jsforce';
import type { SalesforceRead } from '../../mapping/read.ts';
import { alone, type Batch, MAX_STRING_LITERAL, type Member, mergeReads, type Row } from './merge.ts';
import { sendReads } from './send.ts';

export type { Row as SalesforceRecord } from './merge.ts';
export { renderRead } from './render.ts';

export type ReadLoader = DataLoader<SalesforceRead, Row[], string>;

/** Make one per unit of work: every read asked for in the same tick travels together, and its cache only dedupes
 *  the reads of that work, never serves stale rows later. */
export function createReadLoader(conn: Connection): ReadLoader {
  return new DataLoader<SalesforceRead, Row[], string>(
    async (reads) => {
      const results: Array<Row[] | Error> = new Array(reads.length);
      const members: Member[] = [];
      reads.forEach((read, index) => {
        // No filterable field holds a longer value, and Salesforce refuses such a literal: nothing can match.
        if (read.where.some((c) => typeof c.value === 'string' && c.value.length > MAX_STRING_LITERAL))
          results[index] = [];
        else members.push({ index, read });
      });
      const full = await run(conn, mergeReads(members), results);
      if (full.length > 0) await run(conn, alone(full), results);
      return results;
    },
    { cacheKeyFn: readKey },
  );
}

/** Sends the batches and files each member's rows; answers the members whose batch came back full. */
async function run(conn: Connection, batches: Batch[], results: Array<Row[] | Error>): Promise<Member[]> {
  if (batches.length === 0) return [];
  const answers = await sendReads(conn, batches);
  const full: Member[] = [];
  batches.forEach((batch, n) => {
    const answer = answers[n]!;
    if (answer instanceof Error) {
      for (const member of batch.members) results[member.index] = answer;
      return;
    }
    const routed = batch.route(answer);
    for (const [index, rows] of routed.rows) results[index] = rows;
    full.push(...routed.full);
  });
  return full;
}

/** Equal reads are one (a Date becomes its ISO text). */
export function readKey(read: SalesforceRead): string {
  return JSON.stringify(read);
}
