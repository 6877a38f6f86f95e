// What executing a plan step yields, whichever way it travelled (composite subrequest or sObject Collection):
// a rejected record is data with Salesforce's code, never a throw.
import type { FieldValue, PlanStep } from '../mapping/plan.ts';
import { redactPersonalData } from '../redact.ts';
import { classifyFailure, type FailureKind } from './failures.ts';

// Without it, assignment rules (or the default case owner) replace the OwnerId the owner rule chose.
export const NO_AUTO_ASSIGN = { 'Sforce-Auto-Assign': 'FALSE' };

export type StepOutcome =
  | { ref: string; ok: true; id: string | null }
  | {
      ref: string;
      ok: false;
      code: string;
      message: string;
      fields: string[];
      kind: FailureKind;
      /** Ids of existing records a duplicate rule matched. */
      duplicateIds: string[];
    };

/** Steps of several plans, tagged so outcomes find their way back. */
export interface TaggedStep {
  tag: string;
  step: PlanStep;
}

/** REST errors carry `errorCode`, Collections record errors `statusCode`. */
export interface SalesforceError {
  errorCode?: string;
  statusCode?: string;
  message: string;
  fields?: string[];
  duplicateResult?: DuplicateResult;
  /** Real orgs spell it so in REST and composite answers (captured on API v51–v56); read both. */
  duplicateResut?: DuplicateResult;
}

interface DuplicateResult {
  matchResults?: Array<{ matchRecords?: Array<{ record?: { Id?: string } }> }>;
}

/** Ids of the records a duplicate rule matched; none in sObject Collections answers, which carry no match list. */
export function duplicateIdsOf(error: SalesforceError): string[] {
  const result = error.duplicateResut ?? error.duplicateResult;
  const matches = Array.isArray(result?.matchResults) ? result.matchResults : [];
  const ids = matches
    .flatMap((match) => (Array.isArray(match?.matchRecords) ? match.matchRecords : []))
    .map((match) => match?.record?.Id)
    .filter((id): id is string => typeof id === 'string' && /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(id));
  return [...new Set(ids)];
}

export function referencesOf(step: PlanStep): string[] {
  return Object.values(step.fields as Record<string, FieldValue>)
    .filter((value): value is { ref: string } => value !== null && typeof value === 'object')
    .map((value) => value.ref);
}

export function failedOutcome(ref: string, error: SalesforceError): StepOutcome {
  const code = error.errorCode ?? error.statusCode ?? 'UNKNOWN_ERROR';
  return {
    ref,
    ok: false,
    code,
    message: redactPersonalData(error.message),
    fields: error.fields ?? [],
    kind: classifyFailure(code),
    duplicateIds: duplicateIdsOf(error),
  };
}

/** One composite subrequest's answer: `{ id }` when it succeeded, else the array of REST errors. */
export function subrequestOutcome(
  ref: string,
  result: { httpStatusCode: number; body: unknown },
): StepOutcome {
  if (result.httpStatusCode < 300) {
    const id = (result.body as { id?: unknown } | null)?.id;
    return { ref, ok: true, id: typeof id === 'string' ? id : null };
  }
  const errors = Array.isArray(result.body) ? (result.body as SalesforceError[]) : [];
  return failedOutcome(
    ref,
    errors[0] ?? {
      errorCode: `ERROR_HTTP_${result.httpStatusCode}`,
      message: 'Salesforce refused the request',
    },
  );
}

/** One record's SaveResult in an sObject Collections answer (`statusCode` errors, no duplicate match list). */
export function saveResultOutcome(ref: string, saved: unknown): StepOutcome {
  const result = saved as { id?: unknown; success?: unknown; errors?: unknown } | undefined;
  if (result?.success === true)
    return { ref, ok: true, id: typeof result.id === 'string' ? result.id : null };
  const errors = Array.isArray(result?.errors) ? (result.errors as SalesforceError[]) : [];
  return failedOutcome(
    ref,
    errors[0] ?? { errorCode: 'UNKNOWN_ERROR', message: 'no result for this record' },
  );
}

/** A step not sent because what it refers to was not written. */
export function haltedOutcome(ref: string, missing: string): StepOutcome {
  return failedOutcome(ref, { errorCode: 'PROCESSING_HALTED', message: `"${missing}" was not written` });
}

export function addOutcome(outcomes: Map<string, StepOutcome[]>, tag: string, outcome: StepOutcome): void {
  const list = outcomes.get(tag) ?? [];
  list.push(outcome);
  outcomes.set(tag, list);
}
