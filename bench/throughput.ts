// Throughput: recordChat sustained against the sandbox with 100 ms of latency on every Salesforce call, on
// PostgreSQL: mutations per second, p50/p99 mutation latency, p50/p99 time from mutation to SYNCED, and that every
// chat reached Salesforce exactly once. Either closed loop (CONCURRENCY clients, each sending as soon as its last
// answer came) or open loop at a fixed rate (`--rate 300`: a new chat every 1/300 s whatever the answers).
// Median and range over RUNS runs, each on a fresh database and sandbox.
// Usage: npm run bench:throughput [-- --short] [-- --seconds 60] [-- --concurrency 64 | --rate 300] [-- --runs 5]
import { graphql } from '../test/generated/gql.ts';
import { drained, startBenchOrg, table } from './harness.ts';
import { argNumber, formatSpread, printProvenance, provenance, saveSection, spread } from './results.ts';

const short = process.argv.includes('--short');
const SECONDS = argNumber('seconds', short ? 5 : 60);
const CONCURRENCY = argNumber('concurrency', 64);
const RATE = process.argv.includes('--rate') ? argNumber('rate', 300) : 0;
const RUNS = argNumber('runs', short ? 1 : 5);
const LATENCY_MS = 100;

const RecordChat = graphql(`
  mutation ThroughputRecordChat($input: RecordChatInput!) {
    recordChat(input: $input) {
      __typename
    }
  }
`);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

interface RunFigures {
  mutationsPerSecond: number;
  mutationP50Ms: number;
  mutationP99Ms: number;
  toSyncedP50Ms: number;
  toSyncedP99Ms: number;
  recorded: number;
  /** recordChat answered with an error (counted, not sent again: the load goes on). */
  errors: number;
  synced: number;
  tasks: number;
  apiCalls: number;
}

async function once(run: number): Promise<RunFigures> {
  const org = await startBenchOrg();
  try {
    await org.sandbox.control.setFaults({ latencyMs: LATENCY_MS });
    const latencies: number[] = [];
    let sent = 0;
    let errors = 0;
    const send = async () => {
      const n = sent++;
      const started = performance.now();
      const answer = org.client.request(RecordChat, {
        input: {
          chatId: `load-${run}-${n}`,
          event: 'ENDED',
          visitor: { name: `Visitor ${n}`, email: `load${n}@bench.example` },
          startedAt: '2026-11-25T10:00:00Z',
          endedAt: '2026-11-25T10:05:00Z',
          messages: [{ at: '2026-11-25T10:00:00Z', from: 'VISITOR', text: 'Hello' }],
        },
      });
      try {
        await answer;
        latencies.push(performance.now() - started);
      } catch {
        errors++;
      }
    };
    const began = performance.now();
    const stopAt = began + SECONDS * 1000;
    if (RATE) {
      // Open loop: the n-th chat leaves at began + n / RATE, however slow the answers are.
      const inFlight: Promise<void>[] = [];
      while (performance.now() < stopAt) {
        const due = began + (sent * 1000) / RATE;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        inFlight.push(send());
      }
      await Promise.all(inFlight);
    } else {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (performance.now() < stopAt) await send();
        }),
      );
    }
    const elapsed = (performance.now() - began) / 1000;
    await drained(org, 1_800_000);
    const records = await org.app.db.prisma.syncRecord.findMany({
      where: { tenantId: org.tenantId },
      select: { createdAt: true, syncedAt: true },
    });
    const toSynced = records
      .filter((r) => r.syncedAt)
      .map((r) => r.syncedAt!.getTime() - r.createdAt.getTime())
      .sort((a, b) => a - b);
    latencies.sort((a, b) => a - b);
    return {
      mutationsPerSecond: Math.round(latencies.length / elapsed),
      mutationP50Ms: Math.round(percentile(latencies, 50)),
      mutationP99Ms: Math.round(percentile(latencies, 99)),
      toSyncedP50Ms: percentile(toSynced, 50),
      toSyncedP99Ms: percentile(toSynced, 99),
      recorded: latencies.length,
      errors,
      synced: toSynced.length,
      tasks: (await org.sandbox.control.records('Task')).length,
      apiCalls: await org.calls(),
    };
  } finally {
    await org.close();
  }
}

const about = await provenance(short);
printProvenance(about);
const runs: RunFigures[] = [];
for (let run = 0; run < RUNS; run++) runs.push(await once(run));
const load = RATE ? `${RATE} chats/s offered` : `${CONCURRENCY} concurrent clients`;
const summary = Object.fromEntries(
  (Object.keys(runs[0]!) as Array<keyof RunFigures>).map((key) => [key, spread(runs.map((r) => r[key]))]),
) as Record<keyof RunFigures, ReturnType<typeof spread>>;
table(
  `recordChat for ${SECONDS} s, ${load}, ${LATENCY_MS} ms per Salesforce call (median (min–max) of ${RUNS} runs)`,
  Object.entries(summary).map(([figure, s]) => ({ figure, value: formatSpread(s) })),
);
// A mutation that answered an error may still have been stored; every stored one must be in Salesforce once.
const lost = runs.filter((r) => r.synced < r.recorded || r.tasks !== r.synced);
if (lost.length > 0) {
  console.error('LOST: not every recorded chat reached Salesforce exactly once');
  process.exitCode = 1;
}
const written = saveSection(RATE ? `throughputAt${RATE}` : 'throughput', {
  provenance: about,
  runs: RUNS,
  seconds: SECONDS,
  ...(RATE ? { rate: RATE } : { concurrency: CONCURRENCY }),
  latencyMs: LATENCY_MS,
  ...summary,
});
if (written) console.log(`\nresults written to ${written}`);
process.exit(process.exitCode ?? 0);
