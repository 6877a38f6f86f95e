// Carries many plans at once, level by level: every record that refers to nothing goes first, in sObject
// Collections of up to 200 records, five Collections to a composite request (one API call for up to 1,000
// records); the records that refer to them go next, with the ids now known. 200 new visitors' Leads and Tasks: 2 calls.
import type { Connection } from 'jsforce';
import type { FieldValue, PlanStep } from '../mapping/plan.ts';
import { MAX_QUERIES_PER_COMPOSITE, MAX_SUBREQUESTS_PER_COMPOSITE } from './composite.ts';
import {
  addOutcome,
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

interface Subrequest {
  method: 'POST' | 'PATCH';
  url: string;
  body: unknown;
  httpHeaders?: Record<string, string>;
  /** The steps it carries, in the order of its results. */
  steps: TaggedStep[];
  collection: boolean;
}

export async function executeInCollections(
  conn: Connection,
  groups: TaggedStep[][],
): Promise<Map<string, StepOutcome[]>> {
  const outcomes = new Map<string, StepOutcome[]>();
  const made = new Map<string, string>();
  const key = (tag: string, ref: string) => `${tag}\u0000${ref}`;
  for (const level of levels(groups)) {
    const ready: TaggedStep[] = [];
    for (const tagged of level) {
      const missing = referencesOf(tagged.step).find((ref) => !made.has(key(tagged.tag, ref)));
      if (missing) addOutcome(outcomes, tagged.tag, haltedOutcome(tagged.step.ref, missing));
      else ready.push(tagged);
    }
    const resolve = (tag: string, fields: Record<string, FieldValue>) =>
      Object.fromEntries(
        Object.entries(fields).map(([name, value]) =>
          value !== null && typeof value === 'object'
            ? [name, made.get(key(tag, value.ref))!]
            : [name, value],
        ),
      );
    const subrequests = toSubrequests(conn.version, ready, resolve);
    for (const chunk of packSubrequests(subrequests)) {
      const response = await conn.requestPost<{
        compositeResponse: Array<{ body: unknown; httpStatusCode: number }>;
      }>(
        '/composite',
        {
          allOrNone: false,
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
      response.compositeResponse.forEach((result, index) => {
        const sub = chunk[index]!;
        const failedWhole = result.httpStatusCode >= 300;
        const results: unknown[] =
          sub.collection && !failedWhole && Array.isArray(result.body) ? result.body : [];
        sub.steps.forEach(({ tag, step }, n) => {
          // A refused Collections request answers one error for all its records; a lone subrequest, its own result.
          const outcome =
            failedWhole || !sub.collection
              ? subrequestOutcome(step.ref, result)
              : saveResultOutcome(step.ref, results[n]);
          if (outcome.ok && outcome.id) made.set(key(tag, step.ref), outcome.id);
          addOutcome(outcomes, tag, outcome);
        });
      });
    }
  }
  return outcomes;
}

/** Steps by depth: a step goes one level after the deepest step it refers to. */
function levels(groups: TaggedStep[][]): TaggedStep[][] {
  const out: TaggedStep[][] = [];
  for (const group of groups) {
    const depth = new Map<string, number>();
    for (const tagged of group) {
      const d = Math.max(-1, ...referencesOf(tagged.step).map((ref) => depth.get(ref) ?? -1)) + 1;
      depth.set(tagged.step.ref, d);
      if (!out[d]) out[d] = [];
      out[d].push(tagged);
    }
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

/** At most 25 subrequests per composite, and at most 5 of them Collections. */
function packSubrequests(subrequests: Subrequest[]): Subrequest[][] {
  const chunks: Subrequest[][] = [];
  let current: Subrequest[] = [];
  for (const sub of subrequests) {
    const collections = current.filter((s) => s.collection).length + (sub.collection ? 1 : 0);
    if (current.length === MAX_SUBREQUESTS_PER_COMPOSITE || collections > MAX_QUERIES_PER_COMPOSITE) {
      chunks.push(current);
      current = [];
    }
    current.push(sub);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
