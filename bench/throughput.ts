// Throughput: recordChat sustained against the sandbox with 100 ms of latency on every Salesforce call, on
// PostgreSQL: mutations per second, p50/p99 mutation latency, p50/p99 time until synced, and that nothing was lost.
// Usage: npm run bench:throughput [-- --short] [-- --seconds 60] [-- --concurrency 64]
import { graphql } from '../test/generated/gql.ts';
import { drained, startBenchOrg, table } from './harness.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const short = process.argv.includes('--short');
const SECONDS = arg('seconds', short ? 5 : 60);
const CONCURRENCY = arg('concurrency', 64);

const RecordChat = graphql(`
  mutation ThroughputRecordChat($input: RecordChatInput!) {
    recordChat(input: $input) {
      __typename
    }
  }
`);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

const org = await startBenchOrg();
try {
  await org.sandbox.control.setFaults({ latencyMs: 100 });
  const latencies: number[] = [];
  let sent = 0;
  const stopAt = Date.now() + SECONDS * 1000;
  const worker = async () => {
    while (Date.now() < stopAt) {
      const n = sent++;
      const started = performance.now();
      await org.client.request(RecordChat, {
        input: {
          chatId: `load-${n}`,
          event: 'ENDED',
          visitor: { name: `Visitor ${n}`, email: `load${n}@bench.example` },
          startedAt: '2026-11-25T10:00:00Z',
          endedAt: '2026-11-25T10:05:00Z',
          messages: [{ at: '2026-11-25T10:00:00Z', from: 'VISITOR', text: 'Hello' }],
        },
      });
      latencies.push(performance.now() - started);
    }
  };
  const began = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsed = (Date.now() - began) / 1000;
  await drained(org, 900_000);
  const records = await org.app.db.prisma.syncRecord.findMany({
    where: { tenantId: org.tenantId },
    select: { status: true, createdAt: true, syncedAt: true },
  });
  const toSynced = records
    .filter((r) => r.syncedAt)
    .map((r) => r.syncedAt!.getTime() - r.createdAt.getTime())
    .sort((a, b) => a - b);
  latencies.sort((a, b) => a - b);
  const tasks = (await org.sandbox.control.records('Task')).length;
  table(
    `recordChat for ${SECONDS} s, ${CONCURRENCY} concurrent clients, 100 ms per Salesforce call (${org.app.db.kind})`,
    [
      {
        'mutations/s': Math.round(latencies.length / elapsed),
        'p50 ms': Math.round(percentile(latencies, 50)),
        'p99 ms': Math.round(percentile(latencies, 99)),
        'to synced p50 ms': percentile(toSynced, 50),
        'to synced p99 ms': percentile(toSynced, 99),
        recorded: latencies.length,
        synced: toSynced.length,
        'Tasks in Salesforce': tasks,
        'API calls': await org.calls(),
      },
    ],
  );
  if (toSynced.length !== latencies.length || tasks !== latencies.length) {
    console.error('LOST: not every recorded chat reached Salesforce exactly once');
    process.exitCode = 1;
  }
} finally {
  await org.close();
}
