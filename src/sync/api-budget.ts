// Each tenant's daily Salesforce API budget, as the org reports it in every response (`Sforce-Limit-Info:
// api-usage=used/limit`, which jsforce keeps in `conn.limitInfo.apiUsage`) and in `/limits`, and the governor that
// keeps the org from running out: past DEFER_LOW_PRIORITY_AT the updates of a matched Lead/Contact/Account wait
// while chats' Tasks and Cases still go; past DEFER_ALL_AT everything waits, nothing fails, until the budget allows.
import type { Connection } from 'jsforce';
import type { Prisma } from '../db/open.ts';
import type { PlanStep } from '../mapping/plan.ts';
import { recordDailyUsage } from './usage-history.ts';

/** Share of the daily limit above which low-priority writes wait. */
export const DEFER_LOW_PRIORITY_AT = 0.8;
/** Share of the daily limit above which every write waits: the rest is kept for the org's other integrations. */
export const DEFER_ALL_AT = 0.95;
/** Usage is stored at most this often per tenant (and whenever the governor's state changes): no write per call. */
const PERSIST_EVERY_MS = 60_000;
/** How long a deferred chat waits before the budget is looked at again. */
export const DEFAULT_BUDGET_RECHECK_SECONDS = 300;

export const BUDGET_STATES = ['OK', 'LOW_PRIORITY_DEFERRED', 'ALL_DEFERRED'] as const;
/** OK: everything is written. LOW_PRIORITY_DEFERRED: updates of matched Leads/Contacts/Accounts wait.
 *  ALL_DEFERRED: every write waits. */
export type BudgetState = (typeof BUDGET_STATES)[number];

/** The error code a chat waiting for the budget shows (its status stays PENDING: it is neither failed nor dead). */
export { BUDGET_WAIT_CODE } from './state.ts';

export interface ApiUsage {
  used: number;
  limit: number;
  at: Date;
}

const LOW_PRIORITY_OBJECTS = new Set(['Lead', 'Contact', 'Account']);

/** Updates of the visitor's records can wait; the chat's own Task/Case, new records and files cannot. */
export function isLowPriority(step: PlanStep): boolean {
  return step.op === 'update' && LOW_PRIORITY_OBJECTS.has(step.object);
}

export function budgetState(usage: Pick<ApiUsage, 'used' | 'limit'> | null | undefined): BudgetState {
  if (!usage || usage.limit <= 0) return 'OK';
  const share = usage.used / usage.limit;
  if (share >= DEFER_ALL_AT) return 'ALL_DEFERRED';
  if (share >= DEFER_LOW_PRIORITY_AT) return 'LOW_PRIORITY_DEFERRED';
  return 'OK';
}

export class ApiBudget {
  readonly #usage = new Map<string, ApiUsage>();
  readonly #persisted = new Map<string, { at: number; state: BudgetState }>();

  constructor(private readonly prisma: Prisma) {}

  /** The tenant's last known usage: this process's latest observation, else the stored one. */
  async usage(tenantId: string): Promise<ApiUsage | null> {
    const known = this.#usage.get(tenantId);
    if (known) return known;
    const row = await this.prisma.salesforceConnection.findUnique({
      where: { tenantId },
      select: { apiUsed: true, apiLimit: true, apiUsageAt: true },
    });
    if (row?.apiUsed == null || row.apiLimit == null || !row.apiUsageAt) return null;
    const stored = { used: row.apiUsed, limit: row.apiLimit, at: row.apiUsageAt };
    this.#usage.set(tenantId, stored);
    return stored;
  }

  /** Takes what the connection's last response said (jsforce reads `Sforce-Limit-Info` after each call). */
  async observe(tenantId: string, conn: Connection): Promise<ApiUsage | null> {
    const apiUsage = (conn.limitInfo as { apiUsage?: { used: number; limit: number } } | undefined)?.apiUsage;
    if (!apiUsage) return this.usage(tenantId);
    return this.record(tenantId, { used: apiUsage.used, limit: apiUsage.limit, at: new Date() });
  }

  /** Asks the org (`/limits`, one call); when even that is refused, the refusal's header still tells the usage. */
  async probe(tenantId: string, conn: Connection): Promise<ApiUsage | null> {
    try {
      const limits = (await conn.limits()) as { DailyApiRequests?: { Max: number; Remaining: number } };
      const daily = limits.DailyApiRequests;
      if (daily) {
        return this.record(tenantId, {
          used: daily.Max - daily.Remaining,
          limit: daily.Max,
          at: new Date(),
        });
      }
    } catch (error) {
      if ((error as { errorCode?: string }).errorCode !== 'REQUEST_LIMIT_EXCEEDED') throw error;
    }
    return this.observe(tenantId, conn);
  }

  private async record(tenantId: string, usage: ApiUsage): Promise<ApiUsage> {
    this.#usage.set(tenantId, usage);
    const state = budgetState(usage);
    const last = this.#persisted.get(tenantId);
    if (!last || last.state !== state || usage.at.getTime() - last.at >= PERSIST_EVERY_MS) {
      this.#persisted.set(tenantId, { at: usage.at.getTime(), state });
      await this.prisma.salesforceConnection.updateMany({
        where: { tenantId },
        data: { apiUsed: usage.used, apiLimit: usage.limit, apiUsageAt: usage.at },
      });
      await recordDailyUsage(this.prisma, tenantId, usage);
    }
    return usage;
  }
}
