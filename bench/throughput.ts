// Throughput: recordChat offered at a fixed rate (open loop: a new chat every 1/RATE s whatever the answers) to 1, 2
// and 4 service processes on one PostgreSQL, with 100 ms of latency on every Salesforce call; the services, the
// sandbox, the database and this load generator share the machine. Per process count: mutations answered per second,
// p50/p99 mutation latency, p50/p99 time from mutation to SYNCED, chats synced per second, how long the backlog took
// to drain once the load stopped, and that every chat recorded reached Salesforce exactly once. Median and range over
// RUNS runs, each on a fresh database, sandbox and processes.
// Then the sweep: for each process count, rates in turn (one short run each) until one is not kept up with (to
// SYNCED p99 over 5 s, or a mutation refused); the highest rate kept up with is the figure.
// Usage: npm run bench:throughput [-- --short] [-- --seconds 60] [-- --rate 300] [-- --processes 1,2,4,1+1]
//        [-- --profile DIR] [-- --runs 5] [-- --sweep 10,25,50,100,150,200,300 | none] [-- --sweep-seconds 20]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApiKey } from '../src/auth/api-keys.ts';
import { openDatabase } from '../src/db/open.ts';
import { startSandbox } from '../src/sandbox/server.ts';
import { createTestDatabase } from '../test/support/postgres.ts';
import { connectTenant, type ServiceProcess, spawnService } from '../test/support/service-process.ts';
import { table } from './harness.ts';
import {
  argNumber,
  argString,
  formatSpread,
  printProvenance,
  provenance,
  type Spread,
  saveSection,
  spread,
} from './results.ts';

const short = process.argv.includes('--short');
const SECONDS = argNumber('seconds', short ? 5 : 60);
const RATE = argNumber('rate', short ? 20 : 300);
const RUNS = argNumber('runs', short ? 1 : 5);
/** Process layouts: `N` is N processes that each answer the API and sync; `A+S` is A API-only processes
 *  (SYNC_WORKERS=0) that take all the load and S processes that only sync. */
const LAYOUTS = argLayouts('processes', short ? ['1', '2'] : ['1', '2', '4', '1+1']);
const SWEEP = argList('sweep', short ? [] : [10, 25, 50, 100, 150, 200, 300]);
const SWEEP_SECONDS = argNumber('sweep-seconds', 20);
const LATENCY_MS = 100;
/** --profile DIR: each service writes a V8 CPU profile there (open it in Chrome's DevTools or speedscope). */
const PROFILE_DIR = argString('profile');
/** What "kept up with" means: the target for the time from mutation to SYNCED. */
const KEPT_UP_P99_MS = 5000;

const RECORD_CHAT =
  'mutation ThroughputRecordChat($input: RecordChatInput!) { recordChat(input: $input) { __typename } }';

/** The load generator's client: plain HTTP/1.1 with kept-alive connections, as a lean client (wrk, k6) would be,
 *  so that the machine's CPU goes to what is measured rather than to the client (fetch costs ~1 ms a request here). */
// A kept-alive socket idle for 4 s is closed here, before the server's keep-alive timeout (5 s) closes it: otherwise
// a request sent on a socket the server is closing at that moment fails with "socket hang up".
const agent = new Agent({ keepAlive: true, maxSockets: 256, timeout: 4000 });

function postJson(url: string, key: string, body: unknown): Promise<string> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          authorization: `Bearer ${key}`,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () =>
          res.statusCode === 200 ? resolve(text) : reject(new Error(`${res.statusCode} ${text}`)),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function argList(name: string, fallback: number[]): number[] {
  const given = argString(name);
  if (given === undefined) return fallback;
  if (given === 'none') return [];
  const values = given.split(',').map(Number);
  if (values.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error(`--${name} needs numbers like 1,2,4`);
  return values;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

interface RunFigures {
  mutationsPerSecond: number;
  mutationP50Ms: number;
  mutationP99Ms: number;
  /** recordChat answered with an error or not at all (counted, not sent again: the load goes on). */
  errors: number;
  toSyncedP50Ms: number;
  toSyncedP99Ms: number;
  syncedPerSecond: number;
  /** From the load's end until no chat was left to sync. */
  drainSeconds: number;
  recorded: number;
  synced: number;
  tasks: number;
  apiCalls: number;
  /** CPU time per recorded chat, from the load's start until the backlog drained: the API-only processes (A+S layouts),
   *  the syncing processes (which also answer the API in N layouts), PostgreSQL (all its processes on the machine),
   *  and this process (load generator and sandbox). */
  apiCpuMsPerChat: number;
  syncCpuMsPerChat: number;
  postgresCpuMsPerChat: number;
  benchCpuMsPerChat: number;
}

/** CPU seconds a process has used (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0; // gone, or not Linux
  }
}

/** CPU seconds used by every PostgreSQL process of the machine. */
function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres')
        total += cpuSeconds(Number(entry));
    } catch {}
  }
  return total;
}

interface Layout {
  label: string;
  /** Processes that answer the API only. */
  api: number;
  /** Processes that sync (and answer the API too when `api` is 0). */
  sync: number;
}

function argLayouts(name: string, fallback: string[]): Layout[] {
  const specs = argString(name)?.split(',') ?? fallback;
  return specs.map((spec) => {
    const [a, b] = spec.split('+').map(Number);
    const layout = b === undefined ? { api: 0, sync: a! } : { api: a!, sync: b };
    if (![layout.api, layout.sync].every(Number.isInteger) || layout.sync < 1 || layout.api < 0)
      throw new Error(`--${name} needs layouts like 1,2,4,1+1 (got ${spec})`);
    return { ...layout, label: layout.api ? `${layout.api} API + ${layout.sync} sync` : String(layout.sync) };
  });
}

async function once(layout: Layout, rate: number, seconds: number, run: string): Promise<RunFigures> {
  const processes = layout.api + layout.sync;
  const database = await createTestDatabase();
  const sandbox = await startSandbox({ autoApprove: true });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cxsf-throughput-'));
  const db = await openDatabase({ databaseUrl: database.url, dataDir });
  const services: ServiceProcess[] = [];
  const encryptionKey = randomBytes(32).toString('base64');
  try {
    const start = (index: number) =>
      spawnService({
        databaseUrl: database.url,
        dataDir,
        sandbox,
        encryptionKey,
        env: {
          NODE_ENV: 'production',
          LOG_LEVEL: 'warn',
          ...(index < layout.api ? { SYNC_WORKERS: '0' } : {}),
        },
        nodeArgs: PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(PROFILE_DIR)}`] : [],
      });
    // The first migrates the database; the others start together.
    services.push(await start(0));
    services.push(...(await Promise.all(Array.from({ length: processes - 1 }, (_, i) => start(i + 1)))));
    const { tenantId } = await connectTenant(services[0]!, db, sandbox, 'bench');
    const key = (await createApiKey(db.prisma, { tenantId, role: 'INTEGRATION', name: 'load' })).key;
    const targets = services.slice(0, layout.api || processes).map((s) => `${s.url}/graphql`);
    await sandbox.control.setFaults({ latencyMs: LATENCY_MS });
    await sandbox.control.resetApiCalls();

    const latencies: number[] = [];
    let sent = 0;
    let errors = 0;
    const send = async () => {
      const n = sent++;
      const started = performance.now();
      try {
        // Round robin over the processes, as a load balancer would.
        const answer = await postJson(targets[n % targets.length]!, key, {
          query: RECORD_CHAT,
          variables: {
            input: {
              chatId: `load-${run}-${n}`,
              event: 'ENDED',
              visitor: { name: `Visitor ${n}`, email: `load${n}@bench.example` },
              startedAt: '2026-11-25T10:00:00Z',
              endedAt: '2026-11-25T10:05:00Z',
              messages: [{ at: '2026-11-25T10:00:00Z', from: 'VISITOR', text: 'Hello' }],
            },
          },
        });
        if (!answer.includes('"MutationRecordChatSuccess"')) throw new Error(answer);
        latencies.push(performance.now() - started);
      } catch (error) {
        // The first few, so that a refusal says what it was.
        if (errors++ < 3) console.error(`recordChat failed: ${String(error).slice(0, 500)}`);
      }
    };
    const cpu = () => ({
      api: services.slice(0, layout.api).reduce((sum, s) => sum + cpuSeconds(s.child.pid!), 0),
      sync: services.slice(layout.api).reduce((sum, s) => sum + cpuSeconds(s.child.pid!), 0),
      postgres: postgresCpuSeconds(),
      bench: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    });
    const cpuBefore = cpu();
    const began = performance.now();
    const stopAt = began + seconds * 1000;
    const inFlight: Promise<void>[] = [];
    // The n-th chat leaves at began + n / rate, however slow the answers are.
    while (performance.now() < stopAt) {
      const wait = began + (sent * 1000) / rate - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(send());
    }
    await Promise.all(inFlight);
    const loadEnded = performance.now();
    for (;;) {
      const open = await db.prisma.syncRecord.count({
        where: { tenantId, status: { in: ['PENDING', 'RUNNING', 'RETRYING'] } },
      });
      if (open === 0) break;
      if (performance.now() - loadEnded > 1_800_000) throw new Error(`${open} chats still not synced`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const drained = performance.now();
    const cpuAfter = cpu();
    const records = await db.prisma.syncRecord.findMany({
      where: { tenantId },
      select: { createdAt: true, syncedAt: true },
    });
    const toSynced = records
      .filter((r) => r.syncedAt)
      .map((r) => r.syncedAt!.getTime() - r.createdAt.getTime())
      .sort((a, b) => a - b);
    latencies.sort((a, b) => a - b);
    return {
      mutationsPerSecond: Math.round(latencies.length / seconds),
      mutationP50Ms: Math.round(percentile(latencies, 50)),
      mutationP99Ms: Math.round(percentile(latencies, 99)),
      errors,
      toSyncedP50Ms: percentile(toSynced, 50),
      toSyncedP99Ms: percentile(toSynced, 99),
      syncedPerSecond: Math.round(toSynced.length / ((drained - began) / 1000)),
      drainSeconds: Math.round((drained - loadEnded) / 100) / 10,
      recorded: records.length,
      synced: toSynced.length,
      tasks: (await sandbox.control.records('Task')).length,
      apiCalls: (await sandbox.control.apiCalls()).total,
      ...cpuPerChat(cpuBefore, cpuAfter, records.length),
    };
  } finally {
    await Promise.all(services.map((s) => (PROFILE_DIR ? s.stop() : s.kill())));
    await db.close();
    await sandbox.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function cpuPerChat(
  before: Record<'api' | 'sync' | 'postgres' | 'bench', number>,
  after: Record<'api' | 'sync' | 'postgres' | 'bench', number>,
  chats: number,
) {
  const per = (key: keyof typeof before) =>
    Math.round(((after[key] - before[key]) * 1000 * 100) / chats) / 100;
  return {
    apiCpuMsPerChat: per('api'),
    syncCpuMsPerChat: per('sync'),
    postgresCpuMsPerChat: per('postgres'),
    benchCpuMsPerChat: per('bench'),
  };
}

/** A mutation answered with an error may still have been stored: every stored chat must be in Salesforce once. */
const exactlyOnce = (r: RunFigures) => r.synced === r.recorded && r.tasks === r.synced;
const keptUp = (r: RunFigures) => r.toSyncedP99Ms <= KEPT_UP_P99_MS && r.errors === 0;

const about = await provenance(short);
printProvenance(about);
let lost = 0;
const byProcesses: Array<{ processes: string } & Record<keyof RunFigures, Spread>> = [];
for (const layout of LAYOUTS) {
  const runs: RunFigures[] = [];
  for (let run = 0; run < RUNS; run++)
    runs.push(await once(layout, RATE, SECONDS, `${layout.api}-${layout.sync}-${run}`));
  lost += runs.filter((r) => !exactlyOnce(r)).length;
  byProcesses.push({
    processes: layout.label,
    ...(Object.fromEntries(
      (Object.keys(runs[0]!) as Array<keyof RunFigures>).map((key) => [key, spread(runs.map((r) => r[key]))]),
    ) as Record<keyof RunFigures, Spread>),
  });
}
table(
  `recordChat at ${RATE}/s offered for ${SECONDS} s, ${LATENCY_MS} ms per Salesforce call (median (min–max) of ${RUNS} runs)`,
  byProcesses.map(({ processes, ...f }) => ({
    processes,
    ...Object.fromEntries(Object.entries(f).map(([figure, s]) => [figure, formatSpread(s)])),
  })),
);

const sweep: Array<{
  processes: string;
  steps: Array<{ rate: number; keptUp: boolean } & RunFigures>;
  highestKeptUp: number;
}> = [];
if (SWEEP.length > 0) {
  for (const layout of LAYOUTS) {
    const steps: (typeof sweep)[number]['steps'] = [];
    for (const rate of SWEEP) {
      const r = await once(layout, rate, SWEEP_SECONDS, `sweep-${layout.api}-${layout.sync}-${rate}`);
      if (!exactlyOnce(r)) lost++;
      steps.push({ rate, keptUp: keptUp(r), ...r });
      if (!keptUp(r)) break;
    }
    sweep.push({
      processes: layout.label,
      steps,
      highestKeptUp: Math.max(0, ...steps.filter((s) => s.keptUp).map((s) => s.rate)),
    });
  }
  table(
    `Sweep: recordChat/s offered for ${SWEEP_SECONDS} s each until not kept up with (to SYNCED p99 > ${KEPT_UP_P99_MS} ms or a mutation refused)`,
    sweep.flatMap(({ processes, steps }) =>
      steps.map((s) => ({
        processes,
        offered: s.rate,
        answered: s.mutationsPerSecond,
        errors: s.errors,
        'mutation p99 ms': s.mutationP99Ms,
        'to SYNCED p99 ms': s.toSyncedP99Ms,
        'synced/s': s.syncedPerSecond,
        'kept up': s.keptUp ? 'yes' : 'no',
      })),
    ),
  );
}
if (lost > 0) {
  console.error('LOST: not every recorded chat reached Salesforce exactly once');
  process.exitCode = 1;
}
const written = saveSection('throughput', {
  provenance: about,
  runs: RUNS,
  seconds: SECONDS,
  rate: RATE,
  latencyMs: LATENCY_MS,
  byProcesses,
  ...(SWEEP.length > 0
    ? { sweep: { seconds: SWEEP_SECONDS, keptUpP99Ms: KEPT_UP_P99_MS, byProcesses: sweep } }
    : {}),
});
if (written) console.log(`\nresults written to ${written}`);
process.exit(process.exitCode ?? 0);
