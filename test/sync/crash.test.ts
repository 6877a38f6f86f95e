// The service is killed (SIGKILL) at random moments while it is writing chats to Salesforce; after a restart every
// chat is in Salesforce exactly once: one Task per chat, one Lead per visitor. `npm test` kills it twice during 45
// chats; `npm run test:soak` 20 times during 300 (CRASH_KILLS, CRASH_CHATS).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/open.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import { RecordChat } from '../support/connected-tenant.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { connectTenant, freePort, type ServiceProcess, spawnService } from '../support/service-process.ts';

const CHATS = Number(process.env.CRASH_CHATS ?? 45);
const VISITORS = Math.ceil((CHATS * 2) / 3); // a third of the visitors chat twice
const KILLS = Number(process.env.CRASH_KILLS ?? 2);

let sandbox: Sandbox;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Database;
let dataDir: string;
let port: number;
let child: ServiceProcess | undefined;

/** On the same port each time (the org's callback URL names it), with a short job expiry. */
function startService(): Promise<ServiceProcess> {
  return spawnService({
    databaseUrl: database.url,
    dataDir,
    sandbox,
    port,
    env: { LOG_LEVEL: 'info', SYNC_JOB_EXPIRE_SECONDS: '3' },
    logFile: process.env.CRASH_LOG,
  });
}

async function synced(): Promise<number> {
  return db.prisma.syncRecord.count({ where: { status: 'SYNCED' } });
}

async function until(condition: () => Promise<boolean>, seconds: number) {
  const deadline = Date.now() + seconds * 1000;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      const statuses = await db.prisma.syncRecord.groupBy({ by: ['status', 'lastErrorCode'], _count: true });
      const jobs = await db.sql.query(
        'SELECT state, retry_count, count(*)::int AS n, min(start_after) AS start_after, min(started_on) AS started FROM pgboss.job GROUP BY 1, 2',
      );
      throw new Error(
        `timed out; sync records: ${JSON.stringify(statuses)}; jobs: ${JSON.stringify(jobs)} now ${new Date().toISOString()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  sandbox = await startSandbox({ autoApprove: true });
  database = await createTestDatabase();
  dataDir = mkdtempSync(path.join(tmpdir(), 'cxsf-crash-'));
  db = await openDatabase({ databaseUrl: database.url, dataDir });
  port = await freePort();
});

afterAll(async () => {
  await child?.kill();
  await db?.close();
  await database?.drop();
  await sandbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a service killed mid-sync', () => {
  it(
    'syncs every chat exactly once after restarts',
    async () => {
      child = await startService();
      const { adminKey: admin } = await connectTenant(child, db, sandbox, 'crashy');
      const client = new GraphQLClient(`${child.url}/graphql`, {
        headers: { authorization: `Bearer ${admin}` },
      });

      // Slow enough that the kills land while composites are in flight. Two writes also lose their answer, so the
      // org surely holds Tasks the ledger has not heard of however the kills fall: recovery must adopt them.
      await sandbox.control.setFaults({ latencyMs: 120, latencyJitterMs: 80, loseResponses: 2 });
      await Promise.all(
        Array.from({ length: CHATS }, (_, i) =>
          client.request(RecordChat, {
            input: {
              chatId: `crash-chat-${i}`,
              event: 'ENDED',
              visitor: { name: `Visitor ${i % VISITORS}`, email: `visitor${i % VISITORS}@crash.example` },
              startedAt: '2026-11-25T06:00:00Z',
              endedAt: '2026-11-25T06:05:00Z',
              messages: [{ at: '2026-11-25T06:00:00Z', from: 'VISITOR', text: `message of chat ${i}` }],
            },
          }),
        ),
      );

      // Each kill lands while writes are in flight. The org finishes the killed service's last requests, so it may
      // hold Tasks the ledger never heard of ("orphans"); the restarted service must adopt them (recover.ts) rather
      // than write them twice. Kill again (up to 6 extra times) until at least one kill has left an orphan.
      const orphans = new Set<string>();
      let kills = 0;
      let since = new Date();
      while (kills < KILLS || (orphans.size === 0 && kills < KILLS + 6 && (await synced()) < CHATS)) {
        const progress = await synced();
        await until(async () => (await synced()) > progress || progress === CHATS, 60);
        await until(
          async () =>
            (await db.prisma.syncRecord.count({ where: { inflightAt: { gt: since } } })) > 0 ||
            (await synced()) === CHATS,
          60,
        );
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 300));
        await child.kill();
        kills++;
        // Let the org finish what the killed service had sent (latency ≤ 200 ms), then compare with the ledger.
        await new Promise((resolve) => setTimeout(resolve, 500));
        const ledger = new Set(
          (await db.prisma.syncObject.findMany({ where: { sobjectType: 'Task' } })).map(
            (o) => o.salesforceId,
          ),
        );
        for (const task of await sandbox.control.records('Task'))
          if (!ledger.has(task.Id)) orphans.add(task.Id);
        since = new Date();
        child = await startService();
      }
      await until(async () => (await synced()) === CHATS, 120 + kills * 10);
      await sandbox.control.setFaults({ latencyMs: 0, latencyJitterMs: 0 });

      const leads = await sandbox.control.records('Lead');
      expect(leads).toHaveLength(VISITORS);
      expect(new Set(leads.map((lead) => lead.Email)).size).toBe(VISITORS);
      const tasks = await sandbox.control.records('Task');
      expect(tasks).toHaveLength(CHATS);
      for (let i = 0; i < CHATS; i++) {
        const mine = tasks.filter((task) => task.Description?.includes(`Chat ID: crash-chat-${i}\n`));
        expect(mine, `chat ${i}`).toHaveLength(1);
        const lead = leads.find((l) => l.Email === `visitor${i % VISITORS}@crash.example`);
        expect(mine[0].WhoId).toBe(lead.Id);
      }
      // The lost-write recovery ran: every Task a killed service made without recording it is now in the ledger.
      expect(orphans.size, 'no kill left a Task the ledger did not know').toBeGreaterThan(0);
      const adopted = await db.prisma.syncObject.findMany({ where: { salesforceId: { in: [...orphans] } } });
      expect(adopted.map((o) => o.salesforceId).sort()).toEqual([...orphans].sort());
    },
    300_000 + (KILLS + 6) * 30_000,
  );
});
