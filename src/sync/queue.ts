// The job queue: pg-boss on the service's own database (PostgreSQL, or PGlite through the same SQL interface), so
// several instances share the work and a job is written in the same transaction as the event it carries.
import PgBoss from 'pg-boss';
import type { Database } from '../db/open.ts';
import type { Logger } from '../log.ts';

export const SYNC_QUEUE = 'salesforce-sync';

/** What pg-boss needs to run SQL: a session, or the caller's open transaction. */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface SyncJob {
  tenantId: string;
  /** Jobs of one visitor never run at once: two chats of a new visitor must not both create a Lead. */
  key: string;
}

/**
 * A job still active after this long is taken to belong to a worker that died (crash, SIGKILL) and is retried.
 * A batch of chats takes seconds; the margin keeps a slow but live batch from being run twice.
 */
export const DEFAULT_JOB_EXPIRE_SECONDS = 120;

export async function startQueue(
  db: Database,
  log: Logger,
  jobExpireSeconds = DEFAULT_JOB_EXPIRE_SECONDS,
): Promise<PgBoss> {
  // Instances starting together race to install pg-boss's schema and queue: PostgreSQL ends such a race with
  // "deadlock detected" (40P01) for one of them, which is safe to try again, with a fresh client.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startQueueOnce(db, log, jobExpireSeconds);
    } catch (error) {
      if ((error as { code?: string }).code !== '40P01' || attempt === 5) throw error;
      log.warn({ attempt }, 'job queue start met a concurrent start (deadlock): trying again');
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt + Math.random() * 200));
    }
  }
}

async function startQueueOnce(db: Database, log: Logger, jobExpireSeconds: number): Promise<PgBoss> {
  const boss = new PgBoss({
    db: { executeSql: db.worker.executeSql },
    schema: 'pgboss',
    // Expired jobs are found by pg-boss's maintenance: run it often enough to notice a dead worker in time.
    superviseIntervalSeconds: Math.max(1, Math.min(10, Math.floor(jobExpireSeconds / 2))),
    maintenanceIntervalSeconds: Math.max(1, Math.min(60, Math.floor(jobExpireSeconds / 2))),
  } as PgBoss.ConstructorOptions);
  boss.on('error', (error) => log.error({ err: error }, 'job queue error'));
  try {
    await boss.start();
    // stately: per key at most one job waiting and one running, so a burst of events for one visitor is one job.
    await boss.createQueue(SYNC_QUEUE, {
      name: SYNC_QUEUE,
      policy: 'stately',
      // The ledger owns attempts and backoff (state.ts); a job that fails is not retried by pg-boss, the sweeper
      // wakes its records when they are due.
      retryLimit: 0,
      expireInSeconds: jobExpireSeconds,
    });
  } catch (error) {
    await boss.stop({ graceful: false }).catch(() => undefined);
    throw error;
  }
  return boss;
}

/** A job as a worker holds it: pg-boss's id (to complete it) and what it asks for. */
export interface FetchedJob {
  id: string;
  data: SyncJob;
}

/**
 * Takes up to `batchSize` due jobs, at most one per key, skipping keys whose job is active. pg-boss's own fetch does
 * not skip them: with several batches in flight (in this process or another), a key's next job would be made active
 * beside the running one, which the stately queue's unique index refuses, and pg-boss answers that whole fetch
 * with no jobs at all. Two fetches racing for one key can still meet that refusal: it is the empty answer here too.
 */
export async function fetchJobs(sql: SqlExecutor, batchSize: number): Promise<FetchedJob[]> {
  try {
    const { rows } = await sql.executeSql(
      `WITH next AS (
         SELECT id, singleton_key FROM pgboss.job j
          WHERE name = $1 AND state < 'active' AND start_after < now()
            AND NOT EXISTS (SELECT 1 FROM pgboss.job a
                             WHERE a.name = $1 AND a.state = 'active' AND a.singleton_key = j.singleton_key)
          ORDER BY priority DESC, created_on, id
          LIMIT $2
          FOR UPDATE SKIP LOCKED
       ), first AS (
         SELECT id, row_number() OVER (PARTITION BY singleton_key) AS n FROM next
       )
       UPDATE pgboss.job j
          SET state = 'active', started_on = now(),
              retry_count = CASE WHEN started_on IS NOT NULL THEN retry_count + 1 ELSE retry_count END
         FROM first
        WHERE j.name = $1 AND j.id = first.id AND first.n = 1
       RETURNING j.id, j.data`,
      [SYNC_QUEUE, batchSize],
    );
    return rows as FetchedJob[];
  } catch (error) {
    if ((error as { code?: string }).code === '23505') return [];
    throw error;
  }
}

/** How many jobs are due, counted up to `limit`. */
export async function dueJobs(sql: SqlExecutor, limit: number): Promise<number> {
  const { rows } = await sql.executeSql(
    `SELECT count(*)::int AS n FROM (
       SELECT 1 FROM pgboss.job WHERE name = $1 AND state < 'active' AND start_after < now() LIMIT $2
     ) due`,
    [SYNC_QUEUE, limit],
  );
  return (rows[0] as { n: number }).n;
}

export function enqueueOptions(job: SyncJob, startAfterSeconds?: number): PgBoss.SendOptions {
  return { singletonKey: `${job.tenantId}:${job.key}`, startAfter: startAfterSeconds };
}
