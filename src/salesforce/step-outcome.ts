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
  duplicateResult?: { matchResults?: Array<{ matchRecords?: Array<{ record?: { Id?: string } }> }> };
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
    duplicateIds: (error.duplicateResult?.matchResults ?? [])
      .flatMap((match) => match.matchRecords ?? [])
      .map((match) => match.record?.Id)
      .filter((id): id is string => typeof id === 'string'),
  };
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
