// One tenant's share of a batch of jobs: fold each chat's pending events, identify (coalesced reads), plan with the
// tenant's mapping, write every plan of the round in as few composite calls as fit, and record each outcome.
import type { Connection } from 'jsforce';
import type { Prisma } from '../db/open.ts';
import type { Logger } from '../log.ts';
import type { CxEvent } from '../mapping/event.ts';
import { type DmlPlan, type LookupResults, lookupsFor, planEvent } from '../mapping/index.ts';
import { executeSteps, type StepOutcome } from '../salesforce/execute-plan.ts';
import { callFailureCode, classifyFailure } from '../salesforce/failures.ts';
import { createQueryLoader, type SalesforceRecord } from '../salesforce/query-loader.ts';
import { foldEvents } from './fold-events.ts';
import {
  eventsOf,
  forgetId,
  knownIds,
  linkVisitor,
  markSynced,
  type OpenRecord,
  saveObject,
  type VisitorSeen,
  visitorSeen,
} from './ledger.ts';
import type { ActiveMapping } from './mapping-versions.ts';
import type { OwnerCache } from './owner-cache.ts';
import { MAX_ATTEMPTS } from './queue.ts';
import { recoverLostWrites } from './recover.ts';

export interface TenantSyncDeps {
  prisma: Prisma;
  log: Logger;
  owners: OwnerCache;
}

export interface Session {
  conn: Connection;
  userId: string;
}

/** What became of one chat in this pass. */
type Verdict = {
  record: OpenRecord;
  result: 'synced' | 'skipped' | 'replan' | 'retry' | 'dead' | 'review';
  error?: { code: string; message: string };
};

/** Passes per job: a duplicate rule or a deleted record is resolved by planning again at once. */
const MAX_PASSES = 3;

/** Syncs the records; answers the records that must be retried later. */
export async function syncRecords(
  deps: TenantSyncDeps,
  session: Session,
  mapping: ActiveMapping,
  records: OpenRecord[],
): Promise<OpenRecord[]> {
  const retry: OpenRecord[] = [];
  // Chats of one visitor go in successive rounds: the first creates the Lead, the next finds it in the ledger.
  for (const round of roundsByVisitor(records)) {
    let pending = round;
    for (let pass = 0; pass < MAX_PASSES && pending.length > 0; pass++) {
      const verdicts = await syncRound(deps, session, mapping, pending);
      pending = verdicts.filter((v) => v.result === 'replan').map((v) => v.record);
      retry.push(...verdicts.filter((v) => v.result === 'retry').map((v) => v.record));
    }
    retry.push(...pending);
  }
  return retry;
}

function roundsByVisitor(records: OpenRecord[]): OpenRecord[][] {
  const rounds: OpenRecord[][] = [];
  const seen = new Map<string, number>();
  for (const record of records) {
    const key = record.visitorKey ?? record.id;
    const index = seen.get(key) ?? 0;
    seen.set(key, index + 1);
    if (!rounds[index]) rounds[index] = [];
    rounds[index].push(record);
  }
  return rounds;
}

async function syncRound(
  deps: TenantSyncDeps,
  session: Session,
  mapping: ActiveMapping,
  records: OpenRecord[],
): Promise<Verdict[]> {
  const { prisma } = deps;
  await prisma.syncRecord.updateMany({
    where: { id: { in: records.map((r) => r.id) } },
    data: { status: 'RUNNING', attempts: { increment: 1 }, mappingVersionId: mapping.version.id },
  });

  let plans: Array<{ record: OpenRecord; event: CxEvent; plan: DmlPlan }>;
  try {
    plans = await planAll(deps, session, mapping, records);
  } catch (error) {
    return failAll(deps, records, error);
  }

  const verdicts: Verdict[] = [];
  const toWrite = plans.filter(({ plan, record }) => {
    if (plan.steps.length > 0) return true;
    verdicts.push({ record, result: 'skipped' });
    return false;
  });
  for (const { record } of verdicts) await markSynced(prisma, record, 'SKIPPED');
  if (toWrite.length === 0) return verdicts;

  // From here until the outcomes are stored, a crash leaves the result unknown: the next attempt looks first.
  await prisma.syncRecord.updateMany({
    where: { id: { in: toWrite.map((p) => p.record.id) } },
    data: { inflightAt: new Date() },
  });
  let outcomes: Map<string, StepOutcome[]>;
  try {
    outcomes = await executeSteps(
      session.conn,
      toWrite.map(({ record, plan }) => plan.steps.map((step) => ({ tag: record.id, step }))),
    );
  } catch (error) {
    return [
      ...verdicts,
      ...(await failAll(
        deps,
        toWrite.map((p) => p.record),
        error,
      )),
    ];
  }
  for (const { record, plan, event } of toWrite) {
    const seen = visitorSeen(event, mapping.compiled.version);
    verdicts.push(await recordOutcomes(deps, record, plan, outcomes.get(record.id) ?? [], seen));
  }
  return verdicts;
}

async function planAll(
  deps: TenantSyncDeps,
  session: Session,
  mapping: ActiveMapping,
  records: OpenRecord[],
) {
  const { prisma, owners } = deps;
  const tenantId = records[0]!.tenantId;
  const prepared = await Promise.all(
    records.map(async (record) => {
      const event = foldEvents(eventsOf(record));
      const { known, unchanged } = await knownIds(
        prisma,
        record,
        visitorSeen(event, mapping.compiled.version),
      );
      // A record we wrote from this very visitor data has nothing new to take: skip reading it. And once this chat's
      // Task or Case exists and the visitor is unchanged, searching again (e.g. for an Account) finds what the
      // first search found: only the chat's own record needs writing.
      const settled = (known.taskId || known.caseId) && unchanged.size > 0;
      const requests = lookupsFor(mapping.compiled, event, known).filter(
        (request) =>
          !(request.rule === 'known' && unchanged.has(request.object)) &&
          !(settled && request.purpose === 'identify' && request.rule !== 'known'),
      );
      return { record, event, known, requests };
    }),
  );
  // Every read of the round is asked for in one synchronous pass, so the loader sends them together.
  const loader = createQueryLoader(session.conn);
  const answered = prepared.map(({ record, event, known, requests }) => {
    const agentEmail = event.agent?.email?.trim();
    const reads = requests.map(async (request) => {
      if (request.purpose === 'owner' && agentEmail) {
        const cached = owners.get(tenantId, agentEmail);
        if (cached !== undefined) return [request.key, cached ? [{ Id: cached }] : []] as const;
        const rows = await loader.load(request.soql);
        owners.set(tenantId, agentEmail, (rows[0]?.Id as string | undefined) ?? null);
        return [request.key, rows] as const;
      }
      return [request.key, await loader.load(request.soql)] as const;
    });
    return Promise.all(reads).then((pairs) => ({
      record,
      event,
      known,
      rows: new Map<string, SalesforceRecord[]>(pairs),
    }));
  });
  const planned = (await Promise.all(answered)).map(({ record, event, known, rows }) => {
    const lookups: LookupResults = {
      records: Object.fromEntries(rows),
      ownerUserId: (rows.get('owner')?.[0]?.Id as string | undefined) ?? null,
      connectingUserId: session.userId,
      known,
    };
    return { record, event, lookups, plan: planEvent(mapping.compiled, event, lookups) };
  });
  return recoverLostWrites(prisma, session.conn, mapping, planned);
}

async function recordOutcomes(
  deps: TenantSyncDeps,
  record: OpenRecord,
  plan: DmlPlan,
  outcomes: StepOutcome[],
  seen: VisitorSeen,
): Promise<Verdict> {
  const { prisma } = deps;
  const steps = new Map(plan.steps.map((step) => [step.ref, step]));
  for (const outcome of outcomes) {
    const step = steps.get(outcome.ref);
    if (!outcome.ok || !step || step.op === 'update' || !outcome.id) continue;
    await saveObject(
      prisma,
      record,
      {
        role: step.ref,
        sobjectType: step.op === 'upload' ? 'ContentVersion' : step.object,
        salesforceId: outcome.id,
      },
      seen,
    );
  }
  const failures = outcomes.filter((o): o is Extract<StepOutcome, { ok: false }> => !o.ok);
  if (plan.matched && record.visitorKey) {
    // Remember the match; the hash only once the record took this visitor data (no failure).
    await linkVisitor(
      prisma,
      record.tenantId,
      record.visitorKey,
      plan.matched.object,
      plan.matched.id,
      plan.matched.rule === 'known' ? 'known' : `rule:${plan.matched.rule}`,
      failures.length === 0 ? seen : null,
    );
  }
  if (failures.length === 0) {
    await markSynced(prisma, record);
    return { record, result: 'synced' };
  }
  // The root cause, not the steps halted because of it.
  const failure = failures.find((f) => f.code !== 'PROCESSING_HALTED') ?? failures[0]!;
  const step = steps.get(failure.ref);
  const error = {
    code: failure.code,
    message: `${step && 'object' in step ? step.object : 'ContentVersion'}: ${failure.message}`,
  };
  await prisma.syncRecord.update({ where: { id: record.id }, data: { inflightAt: null } });

  if (failure.kind === 'duplicate') {
    const existing = failure.duplicateIds[0];
    if (existing && step?.op === 'create' && record.visitorKey) {
      // The org's duplicate rule names the record this visitor already is: use it, as identification would have.
      await linkVisitor(prisma, record.tenantId, record.visitorKey, step.object, existing, 'duplicate-rule');
      return { record, result: 'replan', error };
    }
    return review(deps, record, error);
  }
  if (failure.kind === 'stale-reference' && step) {
    const ids =
      step.op === 'update'
        ? [step.id]
        : Object.values(step.fields).filter(
            (v): v is string => typeof v === 'string' && /^[a-zA-Z0-9]{18}$/.test(v),
          );
    for (const id of ids) await forgetId(prisma, record.tenantId, id);
    return { record, result: 'replan', error };
  }
  return failure.kind === 'retryable' ? retryLater(deps, record, error) : deadLetter(deps, record, error);
}

async function failAll(deps: TenantSyncDeps, records: OpenRecord[], error: unknown): Promise<Verdict[]> {
  const code =
    (error as { code?: string }).code && classifyFailure((error as { code: string }).code) !== 'invalid'
      ? (error as { code: string }).code
      : callFailureCode(error);
  const message = error instanceof Error ? error.message : String(error);
  deps.log.warn(
    { code, tenantId: records[0]?.tenantId, records: records.length },
    `salesforce call failed: ${message}`,
  );
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

async function retryLater(
  deps: TenantSyncDeps,
  record: OpenRecord,
  error: { code: string; message: string },
): Promise<Verdict> {
  const current = await deps.prisma.syncRecord.findUniqueOrThrow({
    where: { id: record.id },
    select: { attempts: true },
  });
  if (current.attempts >= MAX_ATTEMPTS) return deadLetter(deps, record, error);
  await deps.prisma.syncRecord.update({
    where: { id: record.id },
    data: { status: 'RETRYING', lastError: error.message, lastErrorCode: error.code },
  });
  return { record, result: 'retry', error };
}

async function deadLetter(
  deps: TenantSyncDeps,
  record: OpenRecord,
  error: { code: string; message: string },
): Promise<Verdict> {
  deps.log.warn(
    { tenantId: record.tenantId, syncRecordId: record.id, code: error.code },
    'sync dead-lettered',
  );
  await deps.prisma.syncRecord.update({
    where: { id: record.id },
    data: { status: 'DEAD', lastError: error.message, lastErrorCode: error.code },
  });
  return { record, result: 'dead', error };
}

async function review(
  deps: TenantSyncDeps,
  record: OpenRecord,
  error: { code: string; message: string },
): Promise<Verdict> {
  await deps.prisma.syncRecord.update({
    where: { id: record.id },
    data: { status: 'NEEDS_REVIEW', lastError: error.message, lastErrorCode: error.code },
  });
  return { record, result: 'review', error };
}
