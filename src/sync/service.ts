// The sync engine's front: ingest events, run the workers and the sweeper, wait for outcomes, retry, and resume
// tenants whose Salesforce connection comes back. Every change of a chat's state goes through state.ts.
import type PgBoss from 'pg-boss';
import { ConnectionUnavailableError, type SalesforceConnections } from '../connections/tenant-connections.ts';
import type { Database, Prisma } from '../db/open.ts';
import { Prisma as PrismaNamespace, type SyncRecord } from '../generated/prisma/client.ts';
import type { Logger } from '../log.ts';
import type { ManualAction } from '../mapping/plan.ts';
import { ApiBudget, budgetState, DEFAULT_BUDGET_RECHECK_SECONDS } from './api-budget.ts';
import { currentUsage } from './budget-wait.ts';
import { ingestAction, ingestEvent } from './ingest.ts';
import { JobSender } from './job-sender.ts';
import { linkVisitor, loadOpenRecords, type OpenRecord } from './ledger.ts';
import { LIMITS, MAX_LOAD_BYTES, type StorageLimits } from './limits.ts';
import { activeMapping, MappingInvalidError } from './mapping-versions.ts';
import { OwnerCache } from './owner-cache.ts';
import {
  dueJobs,
  enqueueOptions,
  type FetchedJob,
  fetchJobs,
  SYNC_QUEUE,
  type SyncJob,
  startQueue,
} from './queue.ts';
import {
  BUDGET_WAIT_CODE,
  backoffSeconds,
  claimVisitors,
  DEFAULT_TIMING,
  MAPPING_INVALID_CODE,
  SETTLED_STATUSES,
  type SyncError,
  type Timing,
  transition,
} from './state.ts';
import { EventStore } from './store-events.ts';
import { sweep } from './sweeper.ts';
import { syncRecords } from './sync-tenant.ts';

/** Codes of a wait that settles `waitForOutcome` for now: the answer shows why the chat waits. */
const WAIT_CODES = new Set([BUDGET_WAIT_CODE, MAPPING_INVALID_CODE]);

/** Jobs fetched per poll. */
const DEFAULT_BATCH_SIZE = 500;
/** Batches a process works at once when a backlog fills them: while one waits for Salesforce, the next is loaded,
 *  planned or recorded. Per-visitor order holds whatever the number: a key's next job is fetched only once its
 *  running one completes (queue.ts fetchJobs), and a chat is claimed by one worker at a time (the lease, state.ts). */
export const DEFAULT_SYNC_CONCURRENCY = 4;
/** A batch that is not full looks for more jobs every GATHER_STEP_MS while they keep coming, until GATHER_QUIET_MS
 *  pass without one, GATHER_MS at most: the requests of a burst reach the queue over up to a second on a busy
 *  machine, and a burst gathered whole is one round of calls instead of one per slice. A lone chat waits
 *  GATHER_QUIET_MS; no chat waits more than GATHER_MS (the time to SYNCED aimed at is 5 s). */
const GATHER_MS = 1000;
const GATHER_STEP_MS = 50;
const GATHER_QUIET_MS = 100;

export interface SyncOptions {
  /** Jobs fetched per poll; one poll's jobs of a tenant are planned and written together. @default 500 */
  batchSize?: number;
  /** See DEFAULT_SYNC_CONCURRENCY (SYNC_CONCURRENCY). */
  concurrency?: number;
  pollingIntervalSeconds?: number;
  /** Run workers and the sweeper in this process (the API can run without them). */
  work?: boolean;
  /** See DEFAULT_JOB_EXPIRE_SECONDS (a backstop: the sweeper takes over a dead worker's chats after a lease). */
  jobExpireSeconds?: number;
  /** See DEFAULT_BUDGET_RECHECK_SECONDS. */
  budgetRecheckSeconds?: number;
  /** How long a worker holds a chat it runs (renewed while it lives). @default 15 */
  leaseSeconds?: number;
  /** How long a new chat waits for its job before the sweeper wakes it. @default 10 */
  wakeSeconds?: number;
  /** How often the sweeper looks for due chats. @default 2 */
  sweepIntervalSeconds?: number;
  /** Storage limits per chat and tenant (see LIMITS). */
  limits?: Partial<StorageLimits>;
  /** A tenant whose mapping does not compile is looked at again after this long (and at once on publish); an org
   *  that cannot be reached, with backoff up to this long. @default 60 */
  blockedRecheckSeconds?: number;
}

export class SyncService {
  readonly owners = new OwnerCache();
  readonly budget: ApiBudget;
  private readonly resuming = new Set<Promise<void>>();
  private readonly timing: Timing;
  /** Jobs of the API's requests, sent many per statement. */
  private readonly jobs: JobSender;
  /** Events of the API's requests, stored many per statement. */
  private readonly events: EventStore;
  /** Consecutive calls that could not reach a tenant's org: its chats look again with growing backoff. */
  private readonly unreachable = new Map<string, number>();
  private stopping = false;
  /** Sleeping loops, woken at once by stop(). */
  private readonly sleepers = new Set<() => void>();
  private loops: Promise<void>[] = [];

  private constructor(
    private readonly db: Database,
    readonly boss: PgBoss,
    private readonly connections: SalesforceConnections,
    private readonly log: Logger,
    private readonly options: SyncOptions,
  ) {
    this.budget = new ApiBudget(db.worker.prisma);
    this.jobs = new JobSender(boss, log, { executeSql: db.executeSql });
    this.events = new EventStore(db.prisma, { ...LIMITS, ...options.limits });
    this.timing = {
      leaseSeconds: options.leaseSeconds ?? DEFAULT_TIMING.leaseSeconds,
      wakeSeconds: options.wakeSeconds ?? DEFAULT_TIMING.wakeSeconds,
    };
  }

  static async start(
    deps: { db: Database; connections: SalesforceConnections; log: Logger },
    options: SyncOptions = {},
  ) {
    const boss = await startQueue(deps.db, deps.log, options.jobExpireSeconds);
    const service = new SyncService(deps.db, boss, deps.connections, deps.log, options);
    if (options.work !== false) {
      service.loops.push(service.workLoop(), service.sweepLoop());
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

  private get workerPrisma(): Prisma {
    return this.db.worker.prisma;
  }

  private ingestDeps() {
    return {
      prisma: this.db.prisma,
      jobs: this.jobs,
      events: this.events,
      timing: this.timing,
      limits: { ...LIMITS, ...this.options.limits },
    };
  }

  ingest(input: Parameters<typeof ingestEvent>[1]) {
    return ingestEvent(this.ingestDeps(), input);
  }

  /** Sends the jobs of events ingested with `wake: false`, together. */
  wake(jobs: SyncJob[]) {
    return this.jobs.sendAll(jobs);
  }

  /** An agent's action on a recorded chat: stored once, planned once, whatever the repeats. */
  act(input: { record: SyncRecord; action: ManualAction; actor: string }) {
    return ingestAction(this.ingestDeps(), input);
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
      data: { candidates: PrismaNamespace.DbNull },
    });
    await this.retry(record.id);
  }

  /** Waits until the record reaches a settled status, or the time runs out. */
  async waitForOutcome(recordId: string, seconds: number): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    while (Date.now() < deadline) {
      const record = await this.db.prisma.syncRecord.findUnique({
        where: { id: recordId },
        select: { status: true, lastErrorCode: true },
      });
      if (!record || SETTLED_STATUSES.includes(record.status)) return;
      // Waiting for the API budget or a valid mapping: settled for now, the answer shows why.
      if (record.status !== 'RUNNING' && record.lastErrorCode && WAIT_CODES.has(record.lastErrorCode)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Queues a record again with a fresh count of attempts (dead-lettered ones included). */
  async retry(recordId: string): Promise<void> {
    const { prisma } = this.db;
    await transition(prisma, [recordId], { type: 'retryRequested' }, this.timing);
    const record = await prisma.syncRecord.findUniqueOrThrow({ where: { id: recordId } });
    await this.enqueue({ tenantId: record.tenantId, key: record.visitorKey ?? `record:${record.id}` });
  }

  /** The cause of a tenant's wait is fixed (reconnected, a mapping published): everything that waited is due now. */
  async resumeTenant(tenantId: string): Promise<void> {
    const { prisma } = this.db;
    const waiting = await prisma.syncRecord.findMany({
      where: { tenantId, status: { in: ['WAITING_FOR_CONNECTION', 'PENDING', 'RETRYING'] } },
      select: { id: true, visitorKey: true },
    });
    this.unreachable.delete(tenantId);
    await transition(
      prisma,
      waiting.map((r) => r.id),
      { type: 'resume' },
      this.timing,
    );
    const keys = new Set(waiting.map((r) => r.visitorKey ?? `record:${r.id}`));
    for (const key of keys) await this.enqueue({ tenantId, key });
    this.log.info({ tenantId, records: waiting.length }, 'resumed syncing');
  }

  /** A mapping was published: chats that waited for a valid one are due now. */
  async mappingPublished(tenantId: string): Promise<void> {
    const blocked = await this.db.prisma.syncRecord.findMany({
      where: { tenantId, status: 'RETRYING', lastErrorCode: MAPPING_INVALID_CODE },
      select: { id: true, visitorKey: true },
    });
    await transition(
      this.db.prisma,
      blocked.map((r) => r.id),
      { type: 'resume' },
      this.timing,
    );
    for (const key of new Set(blocked.map((r) => r.visitorKey ?? `record:${r.id}`)))
      await this.enqueue({ tenantId, key });
  }

  /** Stops fetching and sweeping, lets the batch in hand finish, then stops the queue. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const wake of this.sleepers) wake();
    await Promise.all(this.loops);
    await Promise.all(this.resuming);
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }

  private async enqueue(job: SyncJob) {
    await this.boss.send(SYNC_QUEUE, job as object, enqueueOptions(job));
  }

  /** Sleeps, unless the service stops. */
  private pause(seconds: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, seconds * 1000);
      this.sleepers.add(wake);
    });
  }

  /** Fetches batches of jobs and works up to `concurrency` of them at once; every call is awaited and its failure
   *  handled, so an outage of the database pauses the work instead of ending the process. Jobs complete whatever
   *  happened: the records keep their state and next time, which the sweeper honours. */
  private async workLoop(): Promise<void> {
    const concurrency = this.options.concurrency ?? DEFAULT_SYNC_CONCURRENCY;
    const size = this.options.batchSize ?? DEFAULT_BATCH_SIZE;
    const sql = { executeSql: this.db.worker.executeSql };
    const inFlight = new Set<Promise<void>>();
    let failures = 0;
    while (!this.stopping) {
      if (inFlight.size >= concurrency) {
        await Promise.race(inFlight);
        continue;
      }
      let jobs: FetchedJob[];
      try {
        // Another batch beside those in flight only for a backlog that fills one: jobs that trickle in meanwhile
        // wait for the next round, which takes them all together (fewer calls than a round per trickle).
        if (inFlight.size > 0 && (await dueJobs(sql, size)) < size) {
          await Promise.race([...inFlight, this.pause(this.options.pollingIntervalSeconds ?? 0.5)]);
          continue;
        }
        jobs = await this.gather();
        failures = 0;
      } catch (error) {
        failures++;
        this.log.warn({ err: error }, 'could not fetch sync jobs; retrying');
        await this.pause(Math.min(5, 0.5 * failures));
        continue;
      }
      if (jobs.length === 0) {
        await this.pause(this.options.pollingIntervalSeconds ?? 0.5);
        continue;
      }
      const batch: Promise<void> = this.work(jobs)
        .catch((error) => this.log.error({ err: error }, 'sync batch failed'))
        .finally(() => inFlight.delete(batch));
      inFlight.add(batch);
    }
    await Promise.all(inFlight);
  }

  /** A batch of jobs, gathered while more keep coming (see GATHER_MS). */
  private async gather(): Promise<FetchedJob[]> {
    const size = this.options.batchSize ?? DEFAULT_BATCH_SIZE;
    const sql = { executeSql: this.db.worker.executeSql };
    const jobs = await fetchJobs(sql, size);
    if (jobs.length === 0) return jobs;
    const until = Date.now() + GATHER_MS;
    let quietSince = Date.now();
    while (jobs.length < size && Date.now() < until && Date.now() - quietSince < GATHER_QUIET_MS) {
      await this.pause(GATHER_STEP_MS / 1000);
      if (this.stopping) break;
      let more: FetchedJob[];
      try {
        more = await fetchJobs(sql, size - jobs.length);
      } catch {
        break; // the jobs in hand are worked; the next fetch reports the failure
      }
      if (more.length > 0) quietSince = Date.now();
      jobs.push(...more);
    }
    return jobs;
  }

  private async work(jobs: FetchedJob[]): Promise<void> {
    await this.handle(jobs);
    try {
      await this.boss.complete(
        SYNC_QUEUE,
        jobs.map((job) => job.id),
      );
    } catch (error) {
      this.log.warn({ err: error }, 'could not complete sync jobs; the sweeper covers them');
    }
  }

  private async sweepLoop(): Promise<void> {
    const deps = {
      prisma: this.workerPrisma,
      boss: this.boss,
      sql: { executeSql: this.db.worker.executeSql },
      log: this.log,
      timing: this.timing,
    };
    while (!this.stopping) {
      try {
        await sweep(deps);
      } catch (error) {
        this.log.warn({ err: error }, 'sweep failed; trying again');
      }
      await this.pause(this.options.sweepIntervalSeconds ?? 2);
    }
  }

  /** A batch of jobs: grouped by tenant, each tenant's share planned and written together. */
  private async handle(jobs: FetchedJob[]): Promise<void> {
    const byTenant = new Map<string, string[]>();
    for (const job of jobs)
      byTenant.set(job.data.tenantId, [...(byTenant.get(job.data.tenantId) ?? []), job.data.key]);
    await Promise.all(
      [...byTenant].map(async ([tenantId, keys]) => {
        try {
          await this.syncTenant(tenantId, keys);
        } catch (error) {
          // Claimed records keep their lease: the sweeper wakes them once it runs out.
          this.log.error({ err: error, tenantId }, 'sync batch failed');
        }
      }),
    );
  }

  /** Takes the records of these keys that no live worker holds (per visitor, all or none): RUNNING, an attempt
   *  counted, a lease. */
  private async claim(records: OpenRecord[]): Promise<OpenRecord[]> {
    const now = Date.now();
    const held = new Set(
      records
        .filter((r) => r.status === 'RUNNING' && r.nextAttemptAt && r.nextAttemptAt.getTime() > now)
        .map((r) => r.visitorKey ?? r.id),
    );
    const free = records.filter((r) => !held.has(r.visitorKey ?? r.id));
    // Only what this worker took, whole visitors: another instance may have claimed some since they were loaded.
    const claimed = await claimVisitors(this.workerPrisma, free, this.timing);
    return free.filter((r) => claimed.has(r.id));
  }

  /** Chats that only wait for the API budget, looked at again while it is still spent: they stay PENDING with
   *  their reason and a new time, without being claimed (nothing would be written). */
  private async stillOverBudget(tenantId: string, records: OpenRecord[]): Promise<boolean> {
    const waiting = (r: OpenRecord) => r.status === 'PENDING' && r.lastErrorCode === BUDGET_WAIT_CODE;
    if (records.length === 0 || !records.every(waiting)) return false;
    const recheck = this.options.budgetRecheckSeconds ?? DEFAULT_BUDGET_RECHECK_SECONDS;
    let usage: Awaited<ReturnType<typeof currentUsage>>;
    try {
      const session = await this.connections.forTenant(tenantId);
      usage = await currentUsage(
        { prisma: this.workerPrisma, log: this.log, budget: this.budget, budgetRecheckSeconds: recheck },
        { tenantId, conn: session.conn },
      );
    } catch {
      return false; // the normal path says what is wrong
    }
    if (budgetState(usage) !== 'ALL_DEFERRED') return false;
    await transition(
      this.workerPrisma,
      records.map((r) => r.id),
      { type: 'budgetWait', until: new Date(Date.now() + recheck * 1000) },
      this.timing,
    );
    return true;
  }

  /** A tenant's keys in groups whose chats' events fit in MAX_LOAD_BYTES together (a larger chat alone), worked
   *  one group after another: the worker's memory is bounded whatever the chats hold. */
  private async syncTenant(tenantId: string, keys: string[]): Promise<void> {
    for (const group of await groupByBytes(this.workerPrisma, tenantId, keys))
      await this.syncGroup(tenantId, group);
  }

  private async syncGroup(tenantId: string, keys: string[]): Promise<void> {
    const prisma = this.workerPrisma;
    const loaded = await loadOpenRecords(prisma, tenantId, keys);
    if (await this.stillOverBudget(tenantId, loaded)) return;
    const records = await this.claim(loaded);
    if (records.length === 0) return;
    const ids = records.map((r) => r.id);
    const heartbeat = setInterval(
      () => {
        transition(prisma, ids, { type: 'heartbeat' }, this.timing).catch((error) =>
          this.log.warn({ err: error, tenantId }, 'could not renew the lease'),
        );
      },
      (this.timing.leaseSeconds * 1000) / 3,
    );
    try {
      await this.syncClaimed(tenantId, records);
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async syncClaimed(tenantId: string, records: OpenRecord[]): Promise<void> {
    const prisma = this.workerPrisma;
    const ids = records.map((r) => r.id);
    let session: Awaited<ReturnType<SalesforceConnections['forTenant']>>;
    try {
      session = await this.connections.forTenant(tenantId);
    } catch (error) {
      if (!(error instanceof ConnectionUnavailableError)) throw error;
      // Paused, not failed: resumed on reconnection.
      await transition(prisma, ids, {
        type: 'connectionLost',
        error: { code: error.status, message: error.message },
      });
      return;
    }
    let mapping: Awaited<ReturnType<typeof activeMapping>>;
    try {
      mapping = await activeMapping(prisma, tenantId);
    } catch (error) {
      if (!(error instanceof MappingInvalidError)) throw error;
      this.log.warn({ tenantId, err: error }, 'the active mapping does not compile; chats wait');
      await this.blockTenant(ids, { code: MAPPING_INVALID_CODE, message: mappingMessage(error) }, undefined);
      return;
    }
    await syncRecords(
      {
        prisma,
        log: this.log,
        owners: this.owners,
        budget: this.budget,
        budgetRecheckSeconds: this.options.budgetRecheckSeconds ?? DEFAULT_BUDGET_RECHECK_SECONDS,
        unreachable: (records, error) =>
          this.blockTenant(
            records.map((r) => r.id),
            error,
            tenantId,
          ),
      },
      { tenantId, conn: session.conn, userId: session.userId },
      mapping,
      records,
    );
    this.unreachable.delete(tenantId);
  }

  /** A failure of the tenant, not of its chats: they wait, with the reason, and look again later. */
  private async blockTenant(ids: string[], error: SyncError, unreachableTenant: string | undefined) {
    let seconds = this.options.blockedRecheckSeconds ?? 60;
    if (unreachableTenant) {
      const streak = (this.unreachable.get(unreachableTenant) ?? 0) + 1;
      this.unreachable.set(unreachableTenant, streak);
      seconds = Math.min(seconds, backoffSeconds(streak));
    }
    await transition(this.workerPrisma, ids, {
      type: 'tenantBlocked',
      error,
      until: new Date(Date.now() + seconds * 1000),
    });
  }
}

async function groupByBytes(prisma: Prisma, tenantId: string, keys: string[]): Promise<string[][]> {
  const recordIds = keys.filter((k) => k.startsWith('record:')).map((k) => k.slice('record:'.length));
  const visitorKeys = keys.filter((k) => !k.startsWith('record:'));
  const list = (values: string[]) => PrismaNamespace.join(values.length > 0 ? values : ['']);
  const sizes = await prisma.$queryRaw<Array<{ key: string; bytes: bigint }>>`
    SELECT coalesce(r."visitorKey", 'record:' || r."id") AS "key",
           sum((SELECT coalesce(sum(pg_column_size(e."payload")), 0) FROM "SyncEvent" e WHERE e."syncRecordId" = r."id")
             + (SELECT coalesce(sum(a."size"), 0) FROM "SyncAttachment" a WHERE a."syncRecordId" = r."id"))::bigint AS "bytes"
      FROM "SyncRecord" r
     WHERE r."tenantId" = ${tenantId}
       AND (r."visitorKey" IN (${list(visitorKeys)}) OR r."id" IN (${list(recordIds)}))
       AND r."status" IN ('PENDING', 'RETRYING', 'RUNNING')
     GROUP BY 1`;
  const bytesOf = new Map(sizes.map((row) => [row.key, Number(row.bytes)]));
  const groups: string[][] = [];
  let current: string[] = [];
  let total = 0;
  for (const key of keys) {
    const bytes = bytesOf.get(key) ?? 0;
    if (current.length > 0 && total + bytes > MAX_LOAD_BYTES) {
      groups.push(current);
      current = [];
      total = 0;
    }
    current.push(key);
    total += bytes;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

function mappingMessage(error: MappingInvalidError): string {
  const first = error.diagnostics[0];
  return `The active mapping does not compile${first ? `: ${first.message}` : ''}. Chats wait until a valid mapping is published.`;
}
