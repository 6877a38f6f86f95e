// The sync engine's front: ingest events, run the workers, wait for outcomes, retry, and resume tenants whose
// Salesforce connection comes back.
import type PgBoss from 'pg-boss';
import type { Database } from '../db/open.ts';
import { Prisma as PrismaNamespace, type SyncRecord } from '../generated/prisma/client.ts';
import type { SourceKind } from '../generated/prisma/enums.ts';
import type { Logger } from '../log.ts';
import type { CxEvent } from '../mapping/event.ts';
import type { ManualAction } from '../mapping/plan.ts';
import { ConnectionUnavailableError, type SalesforceConnections } from '../salesforce/connections.ts';
import { ApiBudget, BUDGET_WAIT_CODE, DEFAULT_BUDGET_RECHECK_SECONDS } from './api-budget.ts';
import { ingestAction, ingestEvent } from './ingest.ts';
import { linkVisitor, loadOpenRecords } from './ledger.ts';
import { activeMapping } from './mapping-versions.ts';
import { OwnerCache } from './owner-cache.ts';
import { enqueueOptions, SYNC_QUEUE, type SyncJob, startQueue } from './queue.ts';
import { syncRecords } from './sync-tenant.ts';

const FINAL_STATUSES = new Set(['SYNCED', 'DEAD', 'NEEDS_REVIEW', 'WAITING_FOR_CONNECTION', 'SKIPPED']);

export interface SyncOptions {
  /** Jobs fetched per poll; one poll's jobs of a tenant are planned and written together. */
  batchSize?: number;
  pollingIntervalSeconds?: number;
  /** Run workers in this process (the API can run without them). */
  work?: boolean;
  /** See DEFAULT_JOB_EXPIRE_SECONDS. */
  jobExpireSeconds?: number;
  /** See DEFAULT_BUDGET_RECHECK_SECONDS. */
  budgetRecheckSeconds?: number;
}

export class SyncService {
  readonly owners = new OwnerCache();
  readonly budget: ApiBudget;
  private readonly resuming = new Set<Promise<void>>();
  private constructor(
    private readonly db: Database,
    readonly boss: PgBoss,
    private readonly connections: SalesforceConnections,
    private readonly log: Logger,
    private readonly budgetRecheckSeconds: number,
  ) {
    this.budget = new ApiBudget(db.prisma);
  }

  static async start(
    deps: { db: Database; connections: SalesforceConnections; log: Logger },
    options: SyncOptions = {},
  ) {
    const boss = await startQueue(deps.db, deps.log, options.jobExpireSeconds);
    const service = new SyncService(
      deps.db,
      boss,
      deps.connections,
      deps.log,
      options.budgetRecheckSeconds ?? DEFAULT_BUDGET_RECHECK_SECONDS,
    );
    if (options.work !== false) {
      await boss.work<SyncJob>(
        SYNC_QUEUE,
        {
          batchSize: options.batchSize ?? 500,
          pollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5,
        },
        (jobs) => service.handle(jobs),
      );
    }
    deps.connections.on('connected', (tenantId: string) => {
      const resume: Promise<void> = service
        .resumeTenant(tenantId)
        .catch((error) => deps.log.error({ err: error, tenantId }, 'resume failed'))
        .finally(() => service.resuming.delete(resume));
      service.resuming.add(resume);
    });
    return service;
  }

  ingest(input: { tenantId: string; sourceKind: SourceKind; event: CxEvent; eventId?: string | null }) {
    return ingestEvent({ prisma: this.db.prisma, boss: this.boss }, input);
  }

  /** An agent's action on a recorded chat: stored once, planned once, whatever the repeats. */
  act(input: { record: SyncRecord; action: ManualAction; actor: string }) {
    return ingestAction({ prisma: this.db.prisma, boss: this.boss }, input);
  }

  /** An agent picked the record a visitor is: remembered for the visitor, and the chat continues with it. */
  async resolveMatch(record: SyncRecord, sobjectType: string, salesforceId: string): Promise<void> {
    const { prisma } = this.db;
    if (record.visitorKey)
      await linkVisitor(prisma, record.tenantId, record.visitorKey, sobjectType, salesforceId, 'agent');
    // No visitor key to remember it by: the chat itself keeps the choice.
    else
      await prisma.syncObject.upsert({
        where: { syncRecordId_role: { syncRecordId: record.id, role: `match:${sobjectType}` } },
        create: { syncRecordId: record.id, role: `match:${sobjectType}`, sobjectType, salesforceId },
        update: { salesforceId },
      });
    await prisma.syncRecord.update({
      where: { id: record.id },
      data: { candidates: PrismaNamespace.DbNull, lastError: null, lastErrorCode: null },
    });
    await this.retry(record.id);
  }

  /** Waits until the record reaches a final status, or the time runs out. */
  async waitForOutcome(recordId: string, seconds: number): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    while (Date.now() < deadline) {
      const record = await this.db.prisma.syncRecord.findUnique({
        where: { id: recordId },
        select: { status: true, lastErrorCode: true },
      });
      if (!record || FINAL_STATUSES.has(record.status)) return;
      // Waiting for the API budget: settled for now, the answer shows why.
      if (record.status === 'PENDING' && record.lastErrorCode === BUDGET_WAIT_CODE) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Queues a record again with a fresh count of attempts (dead-lettered ones included). */
  async retry(recordId: string): Promise<void> {
    const record = await this.db.prisma.syncRecord.update({
      where: { id: recordId },
      data: { status: 'PENDING', attempts: 0, nextAttemptAt: null },
    });
    await this.enqueue({ tenantId: record.tenantId, key: record.visitorKey ?? `record:${record.id}` });
  }

  /** After a (re)connection: everything that waited for it is queued again. */
  async resumeTenant(tenantId: string): Promise<void> {
    const waiting = await this.db.prisma.syncRecord.findMany({
      where: { tenantId, status: { in: ['WAITING_FOR_CONNECTION', 'PENDING', 'RETRYING'] } },
      select: { id: true, visitorKey: true },
    });
    await this.db.prisma.syncRecord.updateMany({
      where: { tenantId, status: 'WAITING_FOR_CONNECTION' },
      data: { status: 'PENDING' },
    });
    const keys = new Set(waiting.map((r) => r.visitorKey ?? `record:${r.id}`));
    for (const key of keys) await this.enqueue({ tenantId, key });
    this.log.info({ tenantId, records: waiting.length }, 'resumed syncing');
  }

  async stop(): Promise<void> {
    await Promise.all(this.resuming);
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }

  private async enqueue(job: SyncJob) {
    await this.boss.send(SYNC_QUEUE, job as object, enqueueOptions(job));
  }

  /** A batch of jobs: grouped by tenant, each tenant's share planned and written together. */
  private async handle(jobs: PgBoss.Job<SyncJob>[]): Promise<void> {
    const byTenant = new Map<string, PgBoss.Job<SyncJob>[]>();
    for (const job of jobs)
      byTenant.set(job.data.tenantId, [...(byTenant.get(job.data.tenantId) ?? []), job]);
    await Promise.all(
      [...byTenant].map(async ([tenantId, tenantJobs]) => {
        try {
          const retry = await this.syncTenant(
            tenantId,
            tenantJobs.map((job) => job.data.key),
          );
          const failed = tenantJobs.filter((job) => retry.has(job.data.key));
          // pg-boss retries these with exponential backoff and jitter; the rest complete with the batch.
          for (const job of failed) await this.boss.fail(SYNC_QUEUE, job.id, { message: 'retrying' });
        } catch (error) {
          this.log.error({ err: error, tenantId }, 'sync batch failed');
          await this.boss.fail(
            SYNC_QUEUE,
            tenantJobs.map((job) => job.id),
          );
        }
      }),
    );
  }

  private async syncTenant(tenantId: string, keys: string[]): Promise<Set<string>> {
    const { prisma } = this.db;
    const records = await loadOpenRecords(prisma, tenantId, keys);
    if (records.length === 0) return new Set();
    let session: Awaited<ReturnType<SalesforceConnections['forTenant']>>;
    try {
      session = await this.connections.forTenant(tenantId);
    } catch (error) {
      if (!(error instanceof ConnectionUnavailableError)) throw error;
      const unavailable = error;
      // Paused, not failed: the queue is kept and resumeTenant picks it up on reconnection.
      await prisma.syncRecord.updateMany({
        where: { id: { in: records.map((r) => r.id) } },
        data: {
          status: 'WAITING_FOR_CONNECTION',
          lastError: unavailable.message,
          lastErrorCode: unavailable.status,
        },
      });
      return new Set();
    }
    const mapping = await activeMapping(prisma, tenantId);
    const { retry, deferred } = await syncRecords(
      {
        prisma,
        log: this.log,
        owners: this.owners,
        budget: this.budget,
        budgetRecheckSeconds: this.budgetRecheckSeconds,
      },
      { tenantId, conn: session.conn, userId: session.userId },
      mapping,
      records,
    );
    // Waiting for the API budget is not a failure: the job completes and a new one looks again later.
    const keyOf = (record: { id: string; visitorKey: string | null }) =>
      record.visitorKey ?? `record:${record.id}`;
    for (const key of new Set(deferred.map(keyOf)))
      await this.boss.send(SYNC_QUEUE, { tenantId, key } as object, {
        ...enqueueOptions({ tenantId, key }, this.budgetRecheckSeconds),
      });
    return new Set(retry.map(keyOf));
  }
}
