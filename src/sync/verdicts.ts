// The verdicts a chat can get from one pass, each written to its sync record: retry later, dead-letter, wait for
// a person (review) or for the API budget (deferred).
import type { Ambiguity } from '../mapping/index.ts';
import { callFailureCode, classifyFailure } from '../salesforce/failures.ts';
import { type ApiUsage, budgetState } from './api-budget.ts';
import { allWaitReason, waitForBudget } from './budget-wait.ts';
import type { OpenRecord } from './ledger.ts';
import { transition } from './state.ts';
import type { Session, TenantSyncDeps } from './sync-tenant.ts';

/** The org could not be reached at all (no answer): the tenant waits, its chats' attempts are not spent. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_SOCKET',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** What became of one chat in this pass. */
export type Verdict = {
  record: OpenRecord;
  result: 'synced' | 'skipped' | 'replan' | 'retry' | 'dead' | 'review' | 'deferred';
  error?: { code: string; message: string };
};

export async function failAll(
  deps: TenantSyncDeps,
  session: Session,
  records: OpenRecord[],
  error: unknown,
): Promise<Verdict[]> {
  const code =
    (error as { code?: string }).code && classifyFailure((error as { code: string }).code) !== 'invalid'
      ? (error as { code: string }).code
      : callFailureCode(error);
  if (code === 'REQUEST_LIMIT_EXCEEDED' && records[0]) {
    // Refused for the daily limit (the refusal's Sforce-Limit-Info says so): wait for the budget rather than fail.
    // Refused with budget left (a concurrency limit), it is a passing failure like any other.
    const usage = await deps.budget.observe(records[0].tenantId, session.conn);
    if (budgetState(usage) === 'ALL_DEFERRED') return deferAll(deps, records, usage);
  }
  const message = error instanceof Error ? error.message : String(error);
  deps.log.warn(
    { code, tenantId: records[0]?.tenantId, records: records.length },
    `salesforce call failed: ${message}`,
  );
  if (UNREACHABLE_CODES.has(code) && deps.unreachable) {
    await deps.unreachable(records, { code, message: `Salesforce could not be reached: ${message}` });
    return records.map((record) => ({ record, result: 'retry', error: { code, message } }));
  }
  const kind = classifyFailure(code);
  const verdicts: Verdict[] = [];
  for (const record of records) {
    verdicts.push(
      kind === 'invalid' && code !== 'UNKNOWN_ERROR'
        ? await deadLetter(deps, record, { code, message })
        : await retryLater(deps, record, { code, message }),
    );
  }
  return verdicts;
}

export async function retryLater(
  deps: TenantSyncDeps,
  record: OpenRecord,
  error: { code: string; message: string },
): Promise<Verdict> {
  const current = await deps.prisma.syncRecord.findUniqueOrThrow({
    where: { id: record.id },
    select: { attempts: true },
  });
  await transition(deps.prisma, [record.id], { type: 'failed', error, attempts: current.attempts });
  return { record, result: 'retry', error };
}

export async function deadLetter(
  deps: TenantSyncDeps,
  record: OpenRecord,
  error: { code: string; message: string },
): Promise<Verdict> {
  deps.log.warn(
    { tenantId: record.tenantId, syncRecordId: record.id, code: error.code },
    'sync dead-lettered',
  );
  await transition(deps.prisma, [record.id], { type: 'dead', error });
  return { record, result: 'dead', error };
}

/** Several records match and the mapping does not guess: the chat waits for an agent with the candidates. */
export async function reviewAmbiguity(
  deps: TenantSyncDeps,
  record: OpenRecord,
  ambiguous: Ambiguity,
): Promise<Verdict> {
  const error = {
    code: 'MULTIPLE_MATCHES',
    message: `${ambiguous.candidates.length} ${ambiguous.object} records match (rule ${ambiguous.rule}): an agent chooses one with resolveSalesforceMatch.`,
  };
  await deps.prisma.syncRecord.update({
    where: { id: record.id },
    data: { candidates: ambiguous as object },
  });
  return review(deps, record, error);
}

/** Every write waits: the chats stay PENDING, with the reason, and are looked at again later. */
export async function deferAll(
  deps: TenantSyncDeps,
  records: OpenRecord[],
  usage: ApiUsage | null,
): Promise<Verdict[]> {
  await waitForBudget(deps, records, allWaitReason(usage));
  deps.log.info({ tenantId: records[0]?.tenantId, records: records.length }, 'sync deferred for API budget');
  return records.map((record) => ({ record, result: 'deferred' }));
}

export async function review(
  deps: TenantSyncDeps,
  record: OpenRecord,
  error: { code: string; message: string },
): Promise<Verdict> {
  await transition(deps.prisma, [record.id], { type: 'review', error });
  return { record, result: 'review', error };
}
