// The plans carried out: after each write to Salesforce, every chat's steps with their outcomes are kept as one
// SyncWrite row (one statement per round), so the console shows what was done, not what a plan would do now.
// Stored JSON is parsed on read: a row from an older shape loses the fields it lacks, never crashes a query.
import type { Prisma } from '../db/open.ts';
import type { PlanStep } from '../mapping/plan.ts';
import type { StepOutcome } from '../salesforce/execute-plan.ts';

export const CARRIED_OUT_OPERATIONS = ['create', 'update', 'upload'] as const;
export type CarriedOutOperation = (typeof CARRIED_OUT_OPERATIONS)[number];

/** written: Salesforce took it. failed: it refused it (code, message). halted: not sent, as a step it needed failed. */
export const CARRIED_OUT_OUTCOMES = ['written', 'failed', 'halted'] as const;
export type CarriedOutOutcome = (typeof CARRIED_OUT_OUTCOMES)[number];

export interface CarriedOutStep {
  /** The step's name in the plan: lead, contact, task, case, file… */
  ref: string;
  object: string;
  operation: CarriedOutOperation;
  /** The record written (created, updated or uploaded), when Salesforce named it. */
  salesforceId: string | null;
  outcome: CarriedOutOutcome;
  errorCode: string | null;
  /** Salesforce's message, with personal data already redacted by the adapter. */
  message: string | null;
}

/** Each written chat's steps, paired with their outcomes by ref. A step without an outcome was not sent. */
export function carriedOutSteps(steps: PlanStep[], outcomes: StepOutcome[]): CarriedOutStep[] {
  const byRef = new Map(outcomes.map((o) => [o.ref, o]));
  return steps.map((step) => {
    const outcome = byRef.get(step.ref);
    const base = {
      ref: step.ref,
      object: step.op === 'upload' ? 'ContentVersion' : step.object,
      operation: step.op,
    };
    if (outcome?.ok)
      return {
        ...base,
        salesforceId: outcome.id ?? (step.op === 'update' ? step.id : null),
        outcome: 'written',
        errorCode: null,
        message: null,
      };
    const halted = !outcome || outcome.code === 'PROCESSING_HALTED';
    return {
      ...base,
      salesforceId: step.op === 'update' ? step.id : null,
      outcome: halted ? 'halted' : 'failed',
      errorCode: outcome?.code ?? null,
      message: outcome?.message ?? null,
    };
  });
}

/** Keeps what one round wrote, one row per chat (its outcomes are found by its record's id). */
export async function keepCarriedOut(
  prisma: Prisma,
  tenantId: string,
  writes: Array<{
    record: { id: string };
    plan: { steps: PlanStep[] };
    outcomes: ReadonlyMap<string, StepOutcome[]>;
  }>,
): Promise<void> {
  if (writes.length === 0) return;
  await prisma.syncWrite.createMany({
    data: writes.map(({ record, plan, outcomes }) => ({
      tenantId,
      syncRecordId: record.id,
      steps: carriedOutSteps(plan.steps, outcomes.get(record.id) ?? []) as unknown as object[],
    })),
  });
}

/** A stored `steps` value read back; entries that are not steps are dropped. */
export function parseCarriedOut(value: unknown): CarriedOutStep[] {
  if (!Array.isArray(value)) return [];
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return value.flatMap((entry): CarriedOutStep[] => {
    if (!entry || typeof entry !== 'object') return [];
    const e = entry as Record<string, unknown>;
    const operation = CARRIED_OUT_OPERATIONS.find((op) => op === e.operation);
    const outcome = CARRIED_OUT_OUTCOMES.find((o) => o === e.outcome);
    const ref = text(e.ref);
    const object = text(e.object);
    if (!operation || !outcome || !ref || !object) return [];
    return [
      {
        ref,
        object,
        operation,
        salesforceId: text(e.salesforceId),
        outcome,
        errorCode: text(e.errorCode),
        message: text(e.message),
      },
    ];
  });
}
