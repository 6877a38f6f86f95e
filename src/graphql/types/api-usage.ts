// The tenant's Salesforce API budget as the sync engine sees it (Sforce-Limit-Info on every response, /limits on
// request), and what the governor does about it.

import { GraphQLError } from 'graphql';
import { asConnectionUnavailable, ConnectionUnavailableError } from '../../connections/tenant-connections.ts';
import {
  BUDGET_STATES,
  BUDGET_WAIT_CODE,
  type BudgetState,
  budgetState,
  DEFER_ALL_AT,
  DEFER_LOW_PRIORITY_AT,
} from '../../sync/api-budget.ts';
import { builder } from '../builder.ts';
import type { TenantContext } from '../context.ts';
import { takeRateToken } from '../rate-limits.ts';

const ApiBudgetStateEnum = builder.enumType('SalesforceApiBudgetState', {
  description:
    `OK: everything is written. LOW_PRIORITY_DEFERRED: at ${DEFER_LOW_PRIORITY_AT * 100} % of the daily limit, ` +
    "updates of matched Leads/Contacts/Accounts wait while chats' Tasks and Cases still go. " +
    `ALL_DEFERRED: at ${DEFER_ALL_AT * 100} %, every write waits (nothing fails) until the budget allows.`,
  values: BUDGET_STATES,
});

interface ApiUsageView {
  used: number;
  limit: number;
  updatedAt: Date;
  state: BudgetState;
  waiting: number;
}

const SalesforceApiUsageType = builder.objectRef<ApiUsageView>('SalesforceApiUsage').implement({
  description: "The org's daily API requests (rolling 24 hours, org-wide), as last reported by Salesforce.",
  fields: (t) => ({
    used: t.exposeInt('used'),
    limit: t.exposeInt('limit'),
    remaining: t.int({ resolve: (u) => Math.max(0, u.limit - u.used) }),
    share: t.float({
      description: 'used / limit, 0 to 1.',
      resolve: (u) => (u.limit > 0 ? u.used / u.limit : 0),
    }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When Salesforce reported it.' }),
    state: t.field({ type: ApiBudgetStateEnum, resolve: (u) => u.state }),
    lowPriorityThreshold: t.float({ resolve: () => DEFER_LOW_PRIORITY_AT }),
    allThreshold: t.float({ resolve: () => DEFER_ALL_AT }),
    waiting: t.exposeInt('waiting', { description: 'Chats and conversations waiting for the budget.' }),
  }),
});

builder.queryField('salesforceApiUsage', (t) =>
  t.withAuth({ tenant: true }).field({
    type: SalesforceApiUsageType,
    nullable: true,
    description: 'Null until Salesforce has been called for this tenant (or refresh asked it).',
    // refresh spends the org's daily API budget: admins only, and rate-limited per tenant.
    // Both choices are tenant-bound scopes, narrower than withAuth's, which types the context.
    authScopes: (_root, args) => (args.refresh ? { admin: true } : { tenant: true }),
    args: {
      refresh: t.arg.boolean({
        description:
          'Ask Salesforce now (/limits, one API call). ADMIN only; at most once a minute per tenant.',
      }),
    },
    resolve: async (_root, { refresh }, context) => {
      const { prisma, viewer, services } = context;
      if (refresh) takeRateToken(context, 'salesforceApiUsageRefresh');
      const tenantId = viewer.tenantId;
      const budget = services.sync.budget;
      const usage = refresh ? await probe(context) : await budget.usage(tenantId);
      if (!usage) return null;
      const waiting = await prisma.syncRecord.count({
        where: { tenantId, status: 'PENDING', lastErrorCode: BUDGET_WAIT_CODE },
      });
      return {
        used: usage.used,
        limit: usage.limit,
        updatedAt: usage.at,
        state: budgetState(usage),
        waiting,
      };
    },
  }),
);

/** Reads /limits now; without a usable connection there is nothing to ask, and the caller is told so. */
async function probe({ viewer, services }: TenantContext) {
  const tenantId = viewer.tenantId;
  try {
    return await services.sync.budget.probe(tenantId, (await services.connections.forTenant(tenantId)).conn);
  } catch (error) {
    const unavailable = error instanceof ConnectionUnavailableError ? error : asConnectionUnavailable(error);
    if (!unavailable) throw error;
    throw new GraphQLError(`Salesforce cannot be asked: ${unavailable.message}`, {
      extensions: { code: 'SALESFORCE_UNAVAILABLE', status: unavailable.status },
    });
  }
}
