// Reads what many visitors' identification needs in as few API calls as possible: one round of coalesced reads, and
// a second only when a known record is gone (then its visitor is identified by the rules) or a coalesced read came
// back full (then each of its visitors is read alone, with the sync's own limit).
import type { Connection } from 'jsforce';
import type { CompiledMapping, IdentifiedObject } from '../mapping/compile.ts';
import type { Section } from '../mapping/event.ts';
import { identifyKey } from '../mapping/lookups.ts';
import type { SourceContext } from '../mapping/sources.ts';
import type { SalesforceRecord } from '../salesforce/query-loader.ts';
import { type CoalescedRead, coalesceReads, type Want } from './coalesce-reads.ts';
import { runQueries } from './composite-queries.ts';

/** The Lead, Contact and Account ids CloudCX recorded a visitor to. */
export type KnownIds = Partial<Record<IdentifiedObject, string>>;

export interface VisitorToRead {
  mapping: CompiledMapping;
  section: Section;
  context: SourceContext;
  /** The objects the section identifies. */
  objects: readonly IdentifiedObject[];
  known: KnownIds;
}

export interface VisitorRows {
  /** Rows per `identify:<Object>:<rule>`, as identify() reads them. */
  records: Record<string, SalesforceRecord[]>;
  /** The known ids whose record the org still has. */
  known: KnownIds;
}

/** Each visitor's rows, or the error Salesforce answered for a query it needed. */
export async function readVisitors(
  conn: Connection,
  visitors: readonly VisitorToRead[],
): Promise<Array<VisitorRows | Error>> {
  const found: Array<VisitorRows | Error> = visitors.map((v) => ({ records: {}, known: { ...v.known } }));
  const ruleWants = (asker: number, object: IdentifiedObject): Want[] => {
    const { mapping, section, context } = visitors[asker]!;
    return (mapping.identification[object]?.rules ?? []).map((rule) => ({
      asker,
      mapping,
      section,
      object,
      by: { rule, context },
    }));
  };
  const first = visitors.flatMap(({ mapping, section, objects, known }, asker) =>
    objects.flatMap((object): Want[] => {
      const knownId = known[object];
      return knownId ? [{ asker, mapping, section, object, by: { knownId } }] : ruleWants(asker, object);
    }),
  );
  const again: CoalescedRead[] = [];
  const gone: Want[] = [];
  const file = (
    reads: readonly CoalescedRead[],
    results: Array<SalesforceRecord[] | Error>,
    last: boolean,
  ) => {
    reads.forEach((read, index) => {
      const rows = results[index]!;
      if (!last && !(rows instanceof Error) && read.truncated(rows)) {
        for (const want of read.wants) again.push(...coalesceReads([want]));
        return;
      }
      for (const want of read.wants) {
        const entry = found[want.asker]!;
        if (entry instanceof Error) continue;
        if (rows instanceof Error) {
          found[want.asker] = rows;
          continue;
        }
        const mine = read.rowsFor(want, rows);
        if ('knownId' in want.by && mine.length === 0 && !last) {
          // Deleted or merged in the org since: identify the visitor by the rules instead.
          delete entry.known[want.object];
          gone.push(...ruleWants(want.asker, want.object));
          continue;
        }
        entry.records[identifyKey(want.object, read.rule)] = mine;
      }
    });
  };
  const round1 = coalesceReads(first);
  file(
    round1,
    await runQueries(
      conn,
      round1.map((read) => read.soql),
    ),
    false,
  );
  const round2 = [...again, ...coalesceReads(gone)];
  if (round2.length > 0)
    file(
      round2,
      await runQueries(
        conn,
        round2.map((read) => read.soql),
      ),
      true,
    );
  return found;
}
