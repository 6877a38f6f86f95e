// One tenant's share of a batch of jobs: prepare, read and plan (plan-records.ts, as planChat's dry run does), write
// every plan of the round in as few composite calls as fit, and record each outcome.
import type { Prisma } from '../db/open.ts';
import type { Logger } from '../log.ts';
import type { PlanStep } from '../mapping/plan.ts';
import { executeSteps, type StepOutcome } from '../salesforce/execute-plan.ts';
import {
  type ApiBudget,
  type ApiUsage,
  BUDGET_WAIT_CODE,
  type BudgetState,
  budgetState,
  isLowPriority,
} from './api-budget.ts';
import { loadAttachmentData } from './attachments.ts';
import { currentUsage, heldReason, waitForBudget } from './budget-wait.ts';
import { keepCarriedOut } from './carried-out.ts';
import {
  createdLink,
  forgetId,
  linkVisitor,
  linkVisitors,
  markSynced,
  type OpenRecord,
  reloadRecords,
  type SavedObject,
  saveObjects,
  type VisitorLinkWrite,
  visitorSeen,
} from './ledger.ts';
import type { ActiveMapping } from './mapping-versions.ts';
import type { OwnerCache } from './owner-cache.ts';
import { type Planned, planRecords, type Session } from './plan-records.ts';
import {
  deadLetter,
  deferAll,
  failAll,
  retryLater,
  review,
  reviewAmbiguity,
  type Verdict,
} from './verdicts.ts';

export interface TenantSyncDeps {
  prisma: Prisma;
  log: Logger;
  owners: OwnerCache;
  budget: ApiBudget;
  /** How long a chat deferred for the API budget waits before the budget is looked at again. */
  budgetRecheckSeconds: number;
  /** The org could not be reached at all: a failure of the tenant, not of these chats. */
  unreachable?: (records: OpenRecord[], error: { code: string; message: string }) => Promise<void>;
}

export type { Session };

/** Passes per job: a duplicate rule or a deleted record is resolved by planning again at once. */
const MAX_PASSES = 3;

/** Syncs the records; answers those to retry later (with backoff) and those waiting for the API budget. */
export async function syncRecords(
  deps: TenantSyncDeps,
  session: Session,
  mapping: ActiveMapping,
  records: OpenRecord[],
): Promise<{ retry: OpenRecord[]; deferred: OpenRecord[] }> {
  const retry: OpenRecord[] = [];
  const deferred: OpenRecord[] = [];
  // Chats of one visitor go in successive rounds: the first creates the Lead, the next finds it in the ledger.
  for (const round of roundsByVisitor(records)) {
    let pending = round;
    for (let pass = 0; pass < MAX_PASSES && pending.length > 0; pass++) {
      // A replanned chat is read again: the last pass may have written its objects and applied its events.
      if (pass > 0) pending = await reloadRecords(deps.prisma, pending);
      if (pending.length === 0) break;
      const verdicts = await syncRound(deps, session, mapping, pending);
      pending = verdicts.filter((v) => v.result === 'replan').map((v) => v.record);
      retry.push(...verdicts.filter((v) => v.result === 'retry').map((v) => v.record));
      deferred.push(...verdicts.filter((v) => v.result === 'deferred').map((v) => v.record));
    }
    retry.push(...pending);
  }
  return { retry, deferred };
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
  all: OpenRecord[],
): Promise<Verdict[]> {
  const { prisma, budget } = deps;
  const tenantId = all[0]!.tenantId;
  const verdicts: Verdict[] = [];
  // The budget first: near the limit nothing is read or written.
  const before = await currentUsage(deps, session);
  if (budgetState(before) === 'ALL_DEFERRED') return deferAll(deps, all, before);
  // Chats written but for updates the budget holds back wait without a read while it still does.
  const records = all.filter((record) => {
    const waiting =
      budgetState(before) === 'LOW_PRIORITY_DEFERRED' &&
      record.lastErrorCode === BUDGET_WAIT_CODE &&
      record.events.every((e) => e.appliedAt);
    if (waiting) verdicts.push({ record, result: 'deferred' });
    return !waiting;
  });
  await waitForBudget(
    deps,
    verdicts.map((v) => v.record),
  );
  if (records.length === 0) return verdicts;

  // Claimed (RUNNING, attempt counted) by the service before the batch; here only the mapping is noted.
  await prisma.syncRecord.updateMany({
    where: { id: { in: records.map((r) => r.id) } },
    data: { mappingVersionId: mapping.version.id },
  });

  let plans: Planned[];
  try {
    plans = await planRecords(deps, session, mapping, records);
  } catch (error) {
    return [...verdicts, ...(await failAll(deps, session, records, error))];
  }
  // The reads told how much of the budget is left.
  const usage = await budget.observe(tenantId, session.conn);
  const state: BudgetState = budgetState(usage);
  if (state === 'ALL_DEFERRED') return [...verdicts, ...(await deferAll(deps, records, usage))];

  const toWrite: Planned[] = [];
  const skipped: Planned[] = [];
  for (const item of plans) {
    if (item.plan.ambiguous) verdicts.push(await reviewAmbiguity(deps, item.record, item.plan.ambiguous));
    else if (item.plan.steps.length > 0) toWrite.push(item);
    else skipped.push(item);
  }
  await markSynced(prisma, skipped, 'skipped');
  verdicts.push(...skipped.map(({ record }): Verdict => ({ record, result: 'skipped' })));
  if (state === 'LOW_PRIORITY_DEFERRED') {
    for (const item of toWrite) {
      const held = item.plan.steps.filter(isLowPriority);
      if (held.length === 0) continue;
      item.held = held.map((step) => ('object' in step ? step.object : 'file'));
      item.plan = { ...item.plan, steps: item.plan.steps.filter((step) => !isLowPriority(step)) };
    }
  }
  if (toWrite.length === 0) return verdicts;

  // From the first request until the outcomes are stored, a crash leaves the result unknown: the next attempt looks
  // first. Set (committed) before each request leaves, so it tells when the latest went (recover.ts lets it settle).
  const markInflight = async () => {
    await prisma.syncRecord.updateMany({
      where: { id: { in: toWrite.map((p) => p.record.id) } },
      data: { inflightAt: new Date() },
    });
  };
  let outcomes: Map<string, StepOutcome[]>;
  try {
    // The files' bytes are read now, for the chats written in this call only.
    const steps = await loadAttachmentData(
      prisma,
      toWrite.map(({ record, plan }) => ({ recordId: record.id, plan })),
    );
    outcomes = await executeSteps(
      session.conn,
      toWrite.map(({ record }, i) => steps[i]!.map((step) => ({ tag: record.id, step }))),
      markInflight,
    );
  } catch (error) {
    return [
      ...verdicts,
      // Writes were sent: whatever cut the call, these chats' attempt counts (an unreachable org shows in reads).
      ...(await failAll(
        { ...deps, unreachable: undefined },
        session,
        toWrite.map((p) => p.record),
        error,
      )),
    ];
  }
  const after = await budget.observe(tenantId, session.conn);
  await keepCarriedOut(
    prisma,
    tenantId,
    toWrite.map(({ record, plan }) => ({ record, plan, outcomes })),
  );
  return [...verdicts, ...(await recordOutcomes(deps, toWrite, outcomes, mapping, after))];
}

type Failure = Extract<StepOutcome, { ok: false }>;

/** Stores what the round's writes did, in a few statements for the whole round: the objects made, the visitors'
 *  links, and the chats done (one transaction per outcome). Chats that failed are handled one by one (rare). */
async function recordOutcomes(
  deps: TenantSyncDeps,
  written: Planned[],
  outcomes: Map<string, StepOutcome[]>,
  mapping: ActiveMapping,
  usage: ApiUsage | null,
): Promise<Verdict[]> {
  const { prisma } = deps;
  const objects: SavedObject[] = [];
  const links: VisitorLinkWrite[] = [];
  const results = written.map((item) => {
    const { record, plan, held } = item;
    const seen = visitorSeen(item.event, mapping.compiled.version);
    const done = outcomes.get(record.id) ?? [];
    const steps = new Map(plan.steps.map((step) => [step.ref, step]));
    for (const outcome of done) {
      const step = steps.get(outcome.ref);
      if (!outcome.ok || !step || step.op === 'update' || !outcome.id) continue;
      const object = {
        role: step.ref,
        sobjectType: step.op === 'upload' ? 'ContentVersion' : step.object,
        salesforceId: outcome.id,
      };
      objects.push({ syncRecordId: record.id, ...object });
      const link = createdLink(record, object, seen);
      if (link) links.push(link);
    }
    const failures = done.filter((o): o is Failure => !o.ok);
    if (plan.matched && record.visitorKey) {
      // Remember the match; the hash only once the record took this visitor data (no failure).
      links.push({
        tenantId: record.tenantId,
        visitorKey: record.visitorKey,
        sobjectType: plan.matched.object,
        salesforceId: plan.matched.id,
        source: plan.matched.rule === 'known' ? 'known' : `rule:${plan.matched.rule}`,
        // A held-back update did not take this visitor data either: the next pass must read and update the record.
        seen: failures.length === 0 && !held ? seen : null,
      });
    }
    return { item, steps, failures };
  });
  await saveObjects(prisma, objects);
  await linkVisitors(prisma, links);

  const ok = results.filter((r) => r.failures.length === 0).map((r) => r.item);
  // Held back by the budget, or another action waits: this one is done, the record stays open.
  const partly = ok.filter((item) => item.held || item.leaveOpen.length > 0);
  await markSynced(prisma, partly, 'actionDone');
  await markSynced(
    prisma,
    ok.filter((item) => !partly.includes(item)),
    'synced',
  );
  const verdicts: Verdict[] = [];
  for (const { item, steps, failures } of results) {
    const { record, held, leaveOpen } = item;
    if (failures.length > 0) verdicts.push(await recordFailure(deps, record, steps, failures));
    else if (held) {
      await waitForBudget(deps, [record], heldReason(held, usage));
      verdicts.push({ record, result: 'deferred' });
    }
    // The next pass plans the action that waits.
    else if (leaveOpen.length > 0) verdicts.push({ record, result: 'replan' });
    else verdicts.push({ record, result: 'synced' });
  }
  return verdicts;
}

async function recordFailure(
  deps: TenantSyncDeps,
  record: OpenRecord,
  steps: Map<string, PlanStep>,
  failures: Failure[],
): Promise<Verdict> {
  const { prisma } = deps;
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
