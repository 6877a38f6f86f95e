// Chats waiting for the tenant's API budget: what the governor knows of it before a round, and how a waiting chat
// is marked (PENDING with code API_BUDGET and the reason: neither failed nor dead) and looked at again later.
import type { Connection } from 'jsforce';
import type { Prisma } from '../db/open.ts';
import type { Logger } from '../log.ts';
import {
  type ApiBudget,
  type ApiUsage,
  budgetState,
  DEFER_ALL_AT,
  DEFER_LOW_PRIORITY_AT,
} from './api-budget.ts';
import { transition } from './state.ts';

interface BudgetDeps {
  prisma: Prisma;
  log: Logger;
  budget: ApiBudget;
  budgetRecheckSeconds: number;
}

/** The tenant's usage as last seen; while the governor holds writes back and that is old, the org is asked again
 *  (one `/limits` call), since no other call would tell that the budget came back. */
export async function currentUsage(
  deps: BudgetDeps,
  session: { tenantId: string; conn: Connection },
): Promise<ApiUsage | null> {
  const { tenantId } = session;
  const usage = await deps.budget.usage(tenantId);
  const stale = usage && Date.now() - usage.at.getTime() >= (deps.budgetRecheckSeconds * 1000) / 2;
  if (budgetState(usage) === 'OK' || !stale) return usage;
  try {
    return await deps.budget.probe(tenantId, session.conn);
  } catch (error) {
    deps.log.warn({ err: error, tenantId }, 'could not read the API budget');
    return usage;
  }
}

/** Marks chats as waiting for the budget (keeping the reason they show when none is given). */
export async function waitForBudget(
  deps: BudgetDeps,
  records: Array<{ id: string }>,
  reason?: string,
): Promise<void> {
  if (records.length === 0) return;
  await transition(
    deps.prisma,
    records.map((r) => r.id),
    { type: 'budgetWait', reason, until: new Date(Date.now() + deps.budgetRecheckSeconds * 1000) },
  );
}

const percent = (usage: ApiUsage | null) => (usage ? Math.round((usage.used / usage.limit) * 100) : 100);

export function allWaitReason(usage: ApiUsage | null): string {
  return (
    `Waiting for the Salesforce API budget: ${percent(usage)}% of the daily limit is used` +
    `${usage ? ` (${usage.used}/${usage.limit})` : ''}; nothing is written until usage is below ${DEFER_ALL_AT * 100}%.`
  );
}

export function heldReason(objects: string[], usage: ApiUsage | null): string {
  return (
    `${[...new Set(objects)].join(', ')} update waits for the Salesforce API budget ` +
    `(${percent(usage)}% of the daily limit used); the rest is written. ` +
    `It is written once usage is below ${DEFER_LOW_PRIORITY_AT * 100}%.`
  );
}
