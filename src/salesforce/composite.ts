// Carries DML plans to the org in composite requests: one API call for up to 25 subrequests, whatever they hold.
// Each plan step becomes a subrequest; references between steps become `@{ref.id}`, so a Lead and its Task (and
// their files) travel in one round trip.
import type { Connection } from 'jsforce';
import type { FieldValue, PlanStep } from '../mapping/plan.ts';
import {
  addOutcome,
  haltedOutcome,
  NO_AUTO_ASSIGN,
  referencesOf,
  type StepOutcome,
  subrequestOutcome,
  type TaggedStep,
} from './step-outcome.ts';

/** Salesforce's limit per composite request. */
export const MAX_SUBREQUESTS_PER_COMPOSITE = 25;
/** Salesforce's limit on queries and Collections within one composite. */
export const MAX_QUERIES_PER_COMPOSITE = 5;

interface CompositeResponse {
  compositeResponse: Array<{ body: unknown; httpStatusCode: number; referenceId: string }>;
}

/** Runs steps as composite subrequests (references as `@{ref.id}`, each tag's steps kept together when they fit). */
export async function executeInComposites(
  conn: Connection,
  groups: TaggedStep[][],
): Promise<Map<string, StepOutcome[]>> {
  const outcomes = new Map<string, StepOutcome[]>();
  // Ids made by earlier composites, for a plan too large for one (its later steps refer to them by value).
  const made = new Map<string, string>();
  for (const chunk of packGroups(groups)) {
    const inChunk = new Map<string, string>();
    const sent: TaggedStep[] = [];
    const compositeRequest = [];
    for (const tagged of chunk) {
      const { tag, step } = tagged;
      const resolve = (ref: string) => {
        const local = inChunk.get(`${tag}\u0000${ref}`);
        return local ? `@{${local}.id}` : made.get(`${tag}\u0000${ref}`);
      };
      const missing = referencesOf(step).find((ref) => !resolve(ref));
      if (missing) {
        // What it refers to failed in an earlier composite: sending it would write a record without its parent.
        addOutcome(outcomes, tag, haltedOutcome(step.ref, missing));
        continue;
      }
      const referenceId = referenceIdFor(tag, step.ref);
      compositeRequest.push({ ...subrequest(conn.version, step, resolve), referenceId });
      inChunk.set(`${tag}\u0000${step.ref}`, referenceId);
      sent.push(tagged);
    }
    if (compositeRequest.length === 0) continue;
    // allOrNone false: each chat's result is its own; a step that depends on a failed one answers PROCESSING_HALTED.
    const response = await conn.requestPost<CompositeResponse>(
      '/composite',
      { allOrNone: false, collateSubrequests: false, compositeRequest },
      { headers: NO_AUTO_ASSIGN },
    );
    response.compositeResponse.forEach((result, index) => {
      const { tag, step } = sent[index]!;
      const outcome = subrequestOutcome(step.ref, result);
      if (outcome.ok && outcome.id) made.set(`${tag}\u0000${step.ref}`, outcome.id);
      addOutcome(outcomes, tag, outcome);
    });
  }
  return outcomes;
}

/** Packs whole groups into composites of at most 25 subrequests; a group larger than that is split in order. */
function packGroups(groups: TaggedStep[][]): TaggedStep[][] {
  const chunks: TaggedStep[][] = [];
  let current: TaggedStep[] = [];
  for (const group of groups) {
    if (current.length + group.length > MAX_SUBREQUESTS_PER_COMPOSITE && current.length > 0) {
      chunks.push(current);
      current = [];
    }
    for (const step of group) {
      if (current.length === MAX_SUBREQUESTS_PER_COMPOSITE) {
        chunks.push(current);
        current = [];
      }
      current.push(step);
    }
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function referenceIdFor(tag: string, ref: string): string {
  // referenceId: letters, digits and underscores, starting with a letter or digit.
  return `r${tag}_${ref}`.replace(/[^A-Za-z0-9_]/g, '_');
}

function subrequest(version: string, step: PlanStep, resolve: (ref: string) => string | undefined) {
  const base = `/services/data/v${version}/sobjects`;
  const body = (fields: Record<string, FieldValue>) =>
    Object.fromEntries(
      Object.entries(fields).map(([name, value]) => {
        if (value === null || typeof value !== 'object') return [name, value];
        return [name, resolve(value.ref)];
      }),
    );
  switch (step.op) {
    case 'create':
      return {
        method: 'POST',
        url: `${base}/${step.object}`,
        body: body(step.fields),
        httpHeaders: NO_AUTO_ASSIGN,
      };
    case 'update':
      return {
        method: 'PATCH',
        url: `${base}/${step.object}/${step.id}`,
        body: body(step.fields),
        httpHeaders: NO_AUTO_ASSIGN,
      };
    case 'upload':
      return {
        method: 'POST',
        url: `${base}/ContentVersion`,
        body: body(step.fields as Record<string, FieldValue>),
      };
    default: {
      const never: never = step;
      throw new Error(`unknown plan step ${JSON.stringify(never)}`);
    }
  }
}
