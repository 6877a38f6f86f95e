// The sweeper: what guarantees that every open chat is worked on. Jobs wake workers early; the sweeper finds the
// records whose time has come (due PENDING/RETRYING, RUNNING whose lease ran out because its worker died, chats
// waiting for a connection that is back) and wakes them with a job. A job of a worker that died is failed first,
// so the queue (one active job per visitor) accepts the new one at once rather than after the job's expiry.
import type PgBoss from 'pg-boss';
import type { Prisma } from '../db/open.ts';
import type { Logger } from '../log.ts';
import { enqueueOptions, type SqlExecutor, SYNC_QUEUE, type SyncJob } from './queue.ts';
import { type Timing, transition } from './state.ts';

/** Records woken per sweep: a backlog is worked through sweep after sweep, never read whole. */
export const SWEEP_BATCH = 500;

export interface SweepDeps {
  prisma: Prisma;
  boss: PgBoss;
  sql: SqlExecutor;
  log: Logger;
  timing: Timing;
}

/** One sweep; answers how many records it woke. */
export async function sweep(deps: SweepDeps): Promise<number> {
  const { prisma, timing } = deps;
  const now = new Date();
  const due = await prisma.syncRecord.findMany({
    where: {
      OR: [
        { status: { in: ['PENDING', 'RETRYING', 'RUNNING'] }, nextAttemptAt: { lte: now } },
        // Written before records carried a time: due now.
        { status: { in: ['PENDING', 'RETRYING', 'RUNNING'] }, nextAttemptAt: null },
        { status: 'WAITING_FOR_CONNECTION', tenant: { connection: { status: 'CONNECTED' } } },
      ],
    },
    select: { id: true, tenantId: true, visitorKey: true, status: true },
    orderBy: { nextAttemptAt: 'asc' },
    take: SWEEP_BATCH,
  });
  if (due.length === 0) return 0;
  const ids = (status: string[]) => due.filter((r) => status.includes(r.status)).map((r) => r.id);
  await transition(prisma, ids(['WAITING_FOR_CONNECTION']), { type: 'resume' }, timing);
  // Looked at again after another wake interval if this wake is lost too.
  await transition(prisma, ids(['PENDING', 'RETRYING']), { type: 'woken' }, timing);

  const jobs = new Map<string, SyncJob>();
  for (const record of due) jobs.set(singletonKey(record), jobOf(record));
  // A visitor one of whose chats a live worker holds (an event arrived during its batch) keeps its job.
  const held = await prisma.syncRecord.findMany({
    where: {
      status: 'RUNNING',
      nextAttemptAt: { gt: now },
      OR: [
        { visitorKey: { in: due.flatMap((r) => (r.visitorKey ? [r.visitorKey] : [])) } },
        { id: { in: due.filter((r) => !r.visitorKey).map((r) => r.id) } },
      ],
    },
    select: { id: true, tenantId: true, visitorKey: true },
  });
  const live = new Set(held.map(singletonKey));
  await failAbandonedJobs(
    deps,
    [...jobs.keys()].filter((key) => !live.has(key)),
  );
  // One statement for every job; a visitor that already has one waiting keeps it (stately: ON CONFLICT DO NOTHING).
  await deps.boss.insert(
    [...jobs].map(([singletonKey, job]) => ({ name: SYNC_QUEUE, data: job, singletonKey })),
  );
  deps.log.debug({ records: due.length, jobs: jobs.size }, 'sweeper woke records');
  return due.length;
}

const jobOf = (record: { id: string; tenantId: string; visitorKey: string | null }): SyncJob => ({
  tenantId: record.tenantId,
  key: record.visitorKey ?? `record:${record.id}`,
});
const singletonKey = (record: { id: string; tenantId: string; visitorKey: string | null }) =>
  enqueueOptions(jobOf(record)).singletonKey!;

/** Active jobs of these keys started longer than a lease ago, none of whose records a worker holds: their worker
 *  died (a live one renews its records' leases). */
async function failAbandonedJobs(deps: SweepDeps, singletonKeys: string[]): Promise<void> {
  const { rows } = await deps.sql.executeSql(
    `SELECT id FROM pgboss.job WHERE name = $1 AND state = 'active' AND singleton_key = ANY($2::text[])
       AND started_on < now() - make_interval(secs => $3)`,
    [SYNC_QUEUE, singletonKeys, deps.timing.leaseSeconds],
  );
  const ids = (rows as Array<{ id: string }>).map((row) => row.id);
  if (ids.length > 0) await deps.boss.fail(SYNC_QUEUE, ids);
}
