// Reads what many visitors' identification needs through the sync's read path (lookupsFor, then the read loader):
// one round for every visitor, merged into few queries and phone searches, and a second only when a known record is
// gone (then its visitor is identified by the rules).
import type { Connection } from 'jsforce';
import type { CompiledMapping, IdentifiedObject } from '../mapping/compile.ts';
import type { CxEvent } from '../mapping/event.ts';
import { type LookupRequest, type LookupResults, lookupsFor } from '../mapping/lookups.ts';
import { createReadLoader, type SalesforceRecord } from '../salesforce/read-path/index.ts';

/** The Lead, Contact and Account ids CloudCX recorded a visitor to. */
export type KnownIds = Partial<Record<IdentifiedObject, string>>;

export interface VisitorToRead {
  mapping: CompiledMapping;
  /** The event identification sees (the console's: visitor and section). */
  event: CxEvent;
  known: KnownIds;
}

export interface VisitorRows {
  /** Rows per `identify:<Object>:<rule>`, as identify() reads them. */
  records: Record<string, SalesforceRecord[]>;
  /** The known ids whose record the org still has. */
  known: KnownIds;
}

/** Each visitor's rows, or the error Salesforce answered for a read it needed. */
export async function readVisitors(
  conn: Connection,
  visitors: readonly VisitorToRead[],
): Promise<Array<VisitorRows | Error>> {
  // One loader for the whole ask: each round's reads, asked in one tick, travel together.
  const loader = createReadLoader(conn);
  const readAll = (requests: LookupRequest[]) =>
    Promise.all(requests.map(async (request) => ({ request, rows: await loader.load(request.read) })));
  return Promise.all(
    visitors.map(async ({ mapping, event, known }): Promise<VisitorRows | Error> => {
      const found: VisitorRows = { records: {}, known: { ...known } };
      try {
        const identifying = (ids: KnownIds) =>
          lookupsFor(mapping, event, knownFields(ids)).filter((r) => r.purpose === 'identify');
        const gone: IdentifiedObject[] = [];
        for (const { request, rows } of await readAll(identifying(known))) {
          if (request.rule === 'known' && rows.length === 0) {
            // Deleted or merged in the org since: identify the visitor by the rules instead.
            delete found.known[request.object as IdentifiedObject];
            gone.push(request.object as IdentifiedObject);
          } else found.records[request.key] = rows;
        }
        if (gone.length > 0) {
          const again = identifying(found.known).filter((r) => gone.includes(r.object as IdentifiedObject));
          for (const { request, rows } of await readAll(again)) found.records[request.key] = rows;
        }
        return found;
      } catch (error) {
        return error as Error;
      }
    }),
  );
}

export function knownFields(known: KnownIds): NonNullable<LookupResults['known']> {
  return {
    ...(known.Lead ? { leadId: known.Lead } : {}),
    ...(known.Contact ? { contactId: known.Contact } : {}),
    ...(known.Account ? { accountId: known.Account } : {}),
  };
}
