// Carries many plans at once. Steps go by depth (a record after every record it refers to), each level in sObject
// Collections of up to 200 records, and as many levels as fit go in ONE composite request: a record refers to one
// written earlier in the same composite as `@{s0[3].id}`, the id of the 4th record in subrequest s0's result array.
// 200 new visitors' Leads and Tasks: 1 call (a Lead Collection, then a Task Collection referring to it).
//
// A record that fails in its Collection (allOrNone false: success false, no id) leaves its reference unresolvable,
// and Salesforce then fails the whole subrequest that refers to it (400 PROCESSING_HALTED "Invalid reference
// specified"), before running any of it. So the records of such a subrequest whose own parents were written are
// sent again in the next composite, with the ids by value; the ones whose parent failed report PROCESSING_HALTED.
// A failure costs one more call (what level by level cost anyway); no record is sent twice, and no chat carries
// another's failure.
import type { Connection } from 'jsforce';
import type { FieldValue, PlanStep } from '../mapping/plan.ts';
import { MAX_QUERIES_PER_COMPOSITE, MAX_SUBREQUESTS_PER_COMPOSITE } from './composite.ts';
import {
  addOutcome,
  failedOutcome,
  haltedOutcome,
  NO_AUTO_ASSIGN,
  referencesOf,
  type StepOutcome,
  saveResultOutcome,
  subrequestOutcome,
  type TaggedStep,
} from './step-outcome.ts';

/** Salesforce's limit per sObject Collections request. */
export const MAX_RECORDS_PER_COLLECTION = 200;
/** Consecutive records of one type form a chunk; a Collections request with more than 10 chunks is refused whole
 *  (400 INVALID_INPUT "Cannot have more than 10 chunks in a single operation"). */
export const MAX_CHUNKS_PER_COLLECTION = 10;
/** Our cap on one composite's subrequest bodies. Salesforce documents a JSON file body up to 37.5 MB (base64), no
 *  composite figure: files (25 MB at most, 33 MB in base64) past the cap go alone, one composite each. */
export const MAX_COMPOSITE_BODY_BYTES = 30 * 1024 * 1024;

interface Subrequest {
  method: 'POST' | 'PATCH';
  url: string;
  body: unknown;
  httpHeaders?: Record<string, string>;
  /** The steps it carries, in the order of its results. */
  steps: TaggedStep[];
  collection: boolean;
}

const key = (tag: string, ref: string) => `${tag}\u0000${ref}`;
const keyOf = ({ tag, step }: TaggedStep) => key(tag, step.ref);
const parentsOf = ({ tag, step }: TaggedStep) => referencesOf(step).map((ref) => key(tag, ref));

export async function executeInCollections(
  conn: Connection,
  groups: TaggedStep[][],
  beforeSend: () => Promise<void> = async () => {},
): Promise<Map<string, StepOutcome[]>> {
  const all = groups.flat();
  const planned = new Set(all.map(keyOf));
  const outcomes = new Map<string, StepOutcome[]>();
  /** Ids of the records written. */
  const made = new Map<string, string>();
  /** Steps with their final outcome. */
  const settled = new Set<string>();
  const settle = (tagged: TaggedStep, outcome: StepOutcome) => {
    settled.add(keyOf(tagged));
    if (outcome.ok && outcome.id) made.set(keyOf(tagged), outcome.id);
    addOutcome(outcomes, tagged.tag, outcome);
  };
  /** A parent that will never have an id: failed, or not in the plan. */
  const lost = (parent: string) => !planned.has(parent) || (settled.has(parent) && !made.has(parent));

  for (;;) {
    const pending = all.filter((tagged) => !settled.has(keyOf(tagged)));
    if (pending.length === 0) break;
    // One composite: level after level while the limits allow; `placed` holds the references into it.
    const placed = new Map<string, string>();
    const chunk: Subrequest[] = [];
    let collections = 0;
    let bytes = 0;
    let full = false;
    for (const level of levels(pending)) {
      const ready: TaggedStep[] = [];
      for (const tagged of level) {
        const gone = parentsOf(tagged).find(lost);
        // What it refers to was not written: sending it would write a record without its parent.
        if (gone) settle(tagged, haltedOutcome(tagged.step.ref, gone.split('\u0000')[1]!));
        else if (parentsOf(tagged).every((p) => made.has(p) || placed.has(p))) ready.push(tagged);
      }
      if (full) continue;
      const resolve = (tag: string, fields: Record<string, FieldValue>) =>
        Object.fromEntries(
          Object.entries(fields).map(([name, value]) => {
            if (value === null || typeof value !== 'object') return [name, value];
            const parent = key(tag, value.ref);
            return [name, made.get(parent) ?? `@{${placed.get(parent)}}`];
          }),
        );
      for (const sub of toSubrequests(conn.version, ready, resolve)) {
        const size = Buffer.byteLength(JSON.stringify(sub.body));
        full =
          chunk.length === MAX_SUBREQUESTS_PER_COMPOSITE ||
          (sub.collection && collections === MAX_QUERIES_PER_COMPOSITE) ||
          (chunk.length > 0 && bytes + size > MAX_COMPOSITE_BODY_BYTES);
        // The rest waits for the next composite, and so does whatever refers to it.
        if (full) break;
        const referenceId = `s${chunk.length}`;
        sub.steps.forEach((tagged, n) => {
          placed.set(keyOf(tagged), sub.collection ? `${referenceId}[${n}].id` : `${referenceId}.id`);
        });
        chunk.push(sub);
        if (sub.collection) collections++;
        bytes += size;
      }
    }
    if (chunk.length === 0) continue;

    await beforeSend();
    const response = await conn.requestPost<{
      compositeResponse: Array<{ body: unknown; httpStatusCode: number }>;
    }>(
      '/composite',
      {
        // Each chat's records are their own: one refused record must not undo the others.
        allOrNone: false,
        // In order: a subrequest's references point back to earlier ones.
        collateSubrequests: false,
        compositeRequest: chunk.map(({ method, url, body, httpHeaders }, index) => ({
          method,
          url,
          body,
          httpHeaders,
          referenceId: `s${index}`,
        })),
      },
      { headers: NO_AUTO_ASSIGN },
    );
    chunk.forEach((sub, index) => {
      const result = response.compositeResponse[index];
      const failedWhole = !result || result.httpStatusCode >= 300;
      const halted =
        failedWhole &&
        sub.steps.some((tagged) => parentsOf(tagged).some((p) => placed.has(p) && !made.has(p)));
      sub.steps.forEach((tagged, n) => {
        const { step } = tagged;
        // Not run (see the top): sent again with the ids by value, if its own parents were written.
        if (halted) {
          const gone = parentsOf(tagged).find((p) => !made.has(p));
          if (gone) settle(tagged, haltedOutcome(step.ref, gone.split('\u0000')[1]!));
          return;
        }
        if (!result) {
          // Whether it ran is unknown: never sent again blindly.
          settle(tagged, failedOutcome(step.ref, { errorCode: 'UNKNOWN_ERROR', message: 'no answer' }));
          return;
        }
        // A refused Collections request answers one error for all its records; a lone subrequest, its own result.
        settle(
          tagged,
          failedWhole || !sub.collection
            ? subrequestOutcome(step.ref, result)
            : saveResultOutcome(step.ref, Array.isArray(result.body) ? result.body[n] : undefined),
        );
      });
    });
  }
  return outcomes;
}

/** Steps by depth: a step goes one level after the deepest (still pending) step it refers to. Each plan lists a
 *  step after the steps it refers to. */
function levels(steps: TaggedStep[]): TaggedStep[][] {
  const out: TaggedStep[][] = [];
  const depth = new Map<string, number>();
  for (const tagged of steps) {
    const d = Math.max(-1, ...parentsOf(tagged).map((p) => depth.get(p) ?? -1)) + 1;
    depth.set(keyOf(tagged), d);
    if (!out[d]) out[d] = [];
    out[d].push(tagged);
  }
  return out;
}

function toSubrequests(
  version: string,
  steps: TaggedStep[],
  resolve: (tag: string, fields: Record<string, FieldValue>) => Record<string, unknown>,
): Subrequest[] {
  const base = `/services/data/v${version}`;
  const out: Subrequest[] = [];
  const creates: TaggedStep[] = [];
  const updates: TaggedStep[] = [];
  for (const tagged of steps) {
    const step: PlanStep = tagged.step;
    if (step.op === 'create') creates.push(tagged);
    else if (step.op === 'update') updates.push(tagged);
    // Files go one by one: blob bodies do not belong in Collections.
    else
      out.push({
        method: 'POST',
        url: `${base}/sobjects/ContentVersion`,
        body: resolve(tagged.tag, step.fields),
        steps: [tagged],
        collection: false,
      });
  }
  for (const chunk of collectionBatches(creates)) {
    out.push({
      method: 'POST',
      url: `${base}/composite/sobjects`,
      httpHeaders: NO_AUTO_ASSIGN,
      body: {
        allOrNone: false,
        records: chunk.map(({ tag, step }) => ({
          attributes: { type: (step as { object: string }).object },
          ...resolve(tag, step.fields),
        })),
      },
      steps: chunk,
      collection: true,
    });
  }
  for (const chunk of collectionBatches(updates)) {
    out.push({
      method: 'PATCH',
      url: `${base}/composite/sobjects`,
      httpHeaders: NO_AUTO_ASSIGN,
      body: {
        allOrNone: false,
        records: chunk.map(({ tag, step }) => {
          const update = step as Extract<PlanStep, { op: 'update' }>;
          return { attributes: { type: update.object }, id: update.id, ...resolve(tag, update.fields) };
        }),
      },
      steps: chunk,
      collection: true,
    });
  }
  return out;
}

/** Records grouped by type (one chunk per type), then cut into requests of at most 200 records and 10 types. */
export function collectionBatches<T extends { step: PlanStep }>(steps: T[]): T[][] {
  const byType = new Map<string, T[]>();
  for (const tagged of steps) {
    const type = 'object' in tagged.step ? tagged.step.object : 'ContentVersion';
    const group = byType.get(type);
    if (group) group.push(tagged);
    else byType.set(type, [tagged]);
  }
  const batches: T[][] = [];
  let current: T[] = [];
  let types = 0;
  for (const group of byType.values()) {
    let rest = group;
    while (rest.length > 0) {
      if (current.length === MAX_RECORDS_PER_COLLECTION || types === MAX_CHUNKS_PER_COLLECTION) {
        batches.push(current);
        current = [];
        types = 0;
      }
      const take = rest.slice(0, MAX_RECORDS_PER_COLLECTION - current.length);
      current.push(...take);
      types++;
      rest = rest.slice(take.length);
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
