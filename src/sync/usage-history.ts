// Each tenant's Salesforce API use per UTC day, kept for the console's history: the REST calls this service sent
// (counted in memory as they leave, added to the day's row every few seconds: no write per call), and the org's
// used/limit as last seen that day (stored by ApiBudget when it stores the latest). Chats written per day come from
// the plans carried out (SyncWrite), so calls per chat needs no counter of its own.
import type { Prisma } from '../db/open.ts';
import type { Logger } from '../log.ts';

/** How long counted calls wait in memory before they are added to the day's row. */
const FLUSH_EVERY_MS = 5_000;
/** The longest history asked for at once. */
export const MAX_HISTORY_DAYS = 90;

const utcDay = (at: Date) => at.toISOString().slice(0, 10);

export class UsageHistory {
  /** Calls not yet stored, by tenant and day. */
  #pending = new Map<string, { tenantId: string; day: string; calls: number }>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly prisma: Prisma,
    private readonly log: Logger,
  ) {}

  /** One REST call sent for the tenant (OAuth calls do not count against the org's limit: the caller leaves them). */
  countCall(tenantId: string): void {
    this.#add(tenantId, utcDay(new Date()), 1);
  }

  #add(tenantId: string, day: string, calls: number): void {
    const key = `${tenantId}|${day}`;
    const entry = this.#pending.get(key) ?? { tenantId, day, calls: 0 };
    entry.calls += calls;
    this.#pending.set(key, entry);
    this.#timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS).unref();
  }

  /** Adds the counted calls to their days' rows; what could not be stored is counted again next time. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#flush());
    return this.#flushing;
  }

  async #flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const entries = [...this.#pending.values()];
    this.#pending.clear();
    for (const entry of entries) {
      try {
        // From the tenant's row: a tenant deleted meanwhile adds nothing instead of failing.
        await this.prisma.$executeRaw`
          INSERT INTO "ApiUsageDay" ("tenantId", "day", "calls")
          SELECT "id", ${entry.day}::date, ${entry.calls} FROM "Tenant" WHERE "id" = ${entry.tenantId}
          ON CONFLICT ("tenantId", "day") DO UPDATE SET "calls" = "ApiUsageDay"."calls" + EXCLUDED."calls"`;
      } catch (error) {
        this.log.warn(
          { err: error, tenantId: entry.tenantId },
          'could not store API call counts; retried later',
        );
        this.#add(entry.tenantId, entry.day, entry.calls);
      }
    }
  }

  async stop(): Promise<void> {
    await this.flush();
    clearTimeout(this.#timer);
  }
}

/** The org's used/limit as seen at `at`, kept as its day's latest (an older report never replaces a newer one). */
export async function recordDailyUsage(
  prisma: Prisma,
  tenantId: string,
  usage: { used: number; limit: number; at: Date },
): Promise<void> {
  await prisma.$executeRaw`
    INSERT INTO "ApiUsageDay" ("tenantId", "day", "used", "limit", "usageAt")
    SELECT "id", ${utcDay(usage.at)}::date, ${usage.used}, ${usage.limit}, ${usage.at} FROM "Tenant" WHERE "id" = ${tenantId}
    ON CONFLICT ("tenantId", "day") DO UPDATE
      SET "used" = EXCLUDED."used", "limit" = EXCLUDED."limit", "usageAt" = EXCLUDED."usageAt"
      WHERE "ApiUsageDay"."usageAt" IS NULL OR "ApiUsageDay"."usageAt" <= EXCLUDED."usageAt"`;
}

export interface UsageDay {
  /** YYYY-MM-DD, UTC. */
  date: string;
  calls: number;
  used: number | null;
  limit: number | null;
  chatsWritten: number;
}

/** The last `days` UTC days, oldest first, today included; a day without activity has zeros. */
export async function usageHistory(
  prisma: Prisma,
  tenantId: string,
  days: number,
  now = new Date(),
): Promise<UsageDay[]> {
  const to = utcDay(now);
  const from = utcDay(new Date(now.getTime() - (days - 1) * 86_400_000));
  const rows = await prisma.$queryRaw<
    Array<{ date: string; calls: number; used: number | null; limit: number | null; chats: number }>
  >`
    SELECT to_char(d.day, 'YYYY-MM-DD') AS "date", coalesce(u."calls", 0)::int AS "calls", u."used", u."limit",
           coalesce(w."chats", 0)::int AS "chats"
      FROM generate_series(${from}::date, ${to}::date, interval '1 day') AS d(day)
      LEFT JOIN "ApiUsageDay" u ON u."tenantId" = ${tenantId} AND u."day" = d.day::date
      LEFT JOIN (
        SELECT "at"::date AS day, count(DISTINCT "syncRecordId") AS "chats" FROM "SyncWrite"
         WHERE "tenantId" = ${tenantId} AND "at" >= ${from}::date
         GROUP BY 1
      ) w ON w.day = d.day::date
     ORDER BY d.day`;
  return rows.map((r) => ({
    date: r.date,
    calls: r.calls,
    used: r.used,
    limit: r.limit,
    chatsWritten: r.chats,
  }));
}
