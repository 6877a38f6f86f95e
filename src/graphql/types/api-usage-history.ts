// The tenant's Salesforce API use over the last days, for the console's budget history: calls this service sent,
// the org's used/limit as last seen each day, chats written and calls per chat.
import { GraphQLError } from 'graphql';
import { MAX_HISTORY_DAYS, type UsageDay, usageHistory } from '../../sync/usage-history.ts';
import { builder } from '../builder.ts';

const ApiUsageDayType = builder.objectRef<UsageDay>('SalesforceApiUsageDay').implement({
  description: 'One UTC day of Salesforce API use.',
  fields: (t) => ({
    date: t.exposeString('date', { description: 'YYYY-MM-DD (UTC).' }),
    calls: t.exposeInt('calls', {
      description:
        'REST calls this service sent for the tenant that day (OAuth calls, which the limit ignores, not).',
    }),
    used: t.exposeInt('used', {
      nullable: true,
      description: "The org's daily API requests used (rolling 24 hours, org-wide) as last seen that day.",
    }),
    limit: t.exposeInt('limit', {
      nullable: true,
      description: "The org's daily API limit as last seen that day.",
    }),
    share: t.float({
      nullable: true,
      description: 'used / limit, 0 to 1; null when Salesforce reported nothing that day.',
      resolve: (d) => (d.used != null && d.limit ? d.used / d.limit : null),
    }),
    chatsWritten: t.exposeInt('chatsWritten', {
      description:
        'Chats and conversations written to Salesforce that day (each counted once, whatever the attempts).',
    }),
    callsPerChat: t.float({
      nullable: true,
      description:
        'calls / chatsWritten (reads, writes and budget checks alike); null on a day nothing was written.',
      resolve: (d) => (d.chatsWritten > 0 ? d.calls / d.chatsWritten : null),
    }),
  }),
});

builder.queryField('apiUsageHistory', (t) =>
  t.withAuth({ tenant: true }).field({
    type: [ApiUsageDayType],
    description: `The last \`days\` UTC days (1 to ${MAX_HISTORY_DAYS}), oldest first and today last; a quiet day has zeros.`,
    args: { days: t.arg.int({ defaultValue: 14, required: true }) },
    resolve: async (_root, { days }, { prisma, viewer, services }) => {
      if (days < 1 || days > MAX_HISTORY_DAYS)
        throw new GraphQLError(`days is 1 to ${MAX_HISTORY_DAYS}.`, {
          extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
        });
      // This instance's calls not yet stored are counted in.
      await services.usage.flush();
      return usageHistory(prisma, viewer.tenantId, days);
    },
  }),
);
