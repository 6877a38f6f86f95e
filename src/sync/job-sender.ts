// Sends the jobs that wake workers, many per statement: while one insert is on its way, the jobs of the requests
// that arrive meanwhile wait and go together in the next. At a few hundred chats a second this is one statement for
// many chats instead of one each, and a lone chat's job still leaves at once. A job is only a wake-up call: a lost
// one (outage, crash) is made up by the sweeper once the record's next time passes (state.ts).
import type PgBoss from 'pg-boss';
import type { Logger } from '../log.ts';
import { enqueueOptions, type SqlExecutor, SYNC_QUEUE, type SyncJob } from './queue.ts';

export class JobSender {
  private waiting = new Map<string, SyncJob>();
  private waiters: Array<() => void> = [];
  private sending = false;

  constructor(
    private readonly boss: PgBoss,
    private readonly log: Logger,
    /** The pool the jobs go through (the API's, not the workers'). */
    private readonly sql?: SqlExecutor,
  ) {}

  /** Resolves once the job was sent (or its send failed, which is logged: the sweeper wakes the record). */
  send(job: SyncJob): Promise<void> {
    this.waiting.set(keyOf(job), job);
    const sent = new Promise<void>((resolve) => this.waiters.push(resolve));
    if (!this.sending) void this.flush();
    return sent;
  }

  /** Sends jobs in one statement, all of them or none: a worker polling meanwhile sees the batch whole. */
  async sendAll(jobs: SyncJob[]): Promise<void> {
    const unique = new Map(jobs.map((job) => [keyOf(job), job]));
    if (unique.size === 0) return;
    try {
      await this.boss.insert(
        [...unique.values()].map((job) => ({ name: SYNC_QUEUE, data: job, singletonKey: keyOf(job) })),
        this.sql ? { db: this.sql } : {},
      );
    } catch (error) {
      this.log.warn({ err: error, jobs: unique.size }, 'could not queue sync jobs; the sweeper will');
    }
  }

  private async flush(): Promise<void> {
    this.sending = true;
    while (this.waiting.size > 0) {
      const jobs = [...this.waiting.values()];
      const waiters = this.waiters;
      this.waiting = new Map();
      this.waiters = [];
      await this.sendAll(jobs);
      for (const resolve of waiters) resolve();
    }
    this.sending = false;
  }
}

/** pg-boss's singleton key: per tenant and visitor, at most one job waiting (the queue is stately). */
const keyOf = (job: SyncJob) => enqueueOptions(job).singletonKey!;
