// Backfill: 1,000 historical chats of 1,000 visitors through `backfillChats`, the Salesforce calls it costs in total
// and the time until every chat is synced; next to the careful baseline (2 calls per chat, measured in bench:calls).
// Usage: npm run bench:backfill [-- --short]
import { graphql } from '../test/generated/gql.ts';
import { drained, startBenchOrg, table } from './harness.ts';

const CHATS = process.argv.includes('--short') ? 100 : 1_000;

const Backfill = graphql(`
  mutation BenchBackfill($input: BackfillChatsInput!) {
    backfillChats(input: $input) {
      __typename
      ... on MutationBackfillChatsSuccess {
        data {
          accepted
          duplicates
        }
      }
    }
  }
`);

const org = await startBenchOrg();
try {
  await org.sandbox.control.createUser({
    username: 'agent@bench.example',
    email: 'agent@bench.example',
    lastName: 'Agent',
  });
  const chats = Array.from({ length: CHATS }, (_, n) => ({
    chatId: `history-${n}`,
    event: 'ENDED' as const,
    channel: 'Website',
    visitor: { name: `Visitor ${n}`, email: `history${n}@bench.example`, company: 'Old Co' },
    agent: { id: 'agent-1', email: 'agent@bench.example' },
    startedAt: '2025-06-01T10:00:00Z',
    endedAt: '2025-06-01T10:10:00Z',
    messages: [{ at: '2025-06-01T10:00:00Z', from: 'VISITOR' as const, text: `Old conversation ${n}` }],
  }));
  const started = Date.now();
  const before = await org.calls();
  const result = await org.client.request(Backfill, { input: { chats } });
  const accepted =
    result.backfillChats.__typename === 'MutationBackfillChatsSuccess'
      ? result.backfillChats.data.accepted
      : 0;
  await drained(org, 600_000);
  const seconds = (Date.now() - started) / 1000;
  const calls = (await org.calls()) - before;
  const synced = await org.app.db.prisma.syncRecord.count({
    where: { tenantId: org.tenantId, status: 'SYNCED' },
  });
  const tasks = (await org.sandbox.control.records('Task')).length;
  table(`Backfill of ${CHATS} historical chats of ${CHATS} visitors`, [
    {
      script: 'cloudcx-salesforce',
      accepted,
      synced,
      'Tasks in Salesforce': tasks,
      'calls in total': calls,
      seconds,
    },
    {
      script: 'careful (2 per chat)',
      accepted: '',
      synced: '',
      'Tasks in Salesforce': '',
      'calls in total': 2 * CHATS,
      seconds: '',
    },
  ]);
  if (synced !== CHATS || tasks !== CHATS) process.exitCode = 1;
} finally {
  await org.close();
}
