// Two service processes on one PostgreSQL, both running sync workers: every chat is written exactly once (one Lead
// per visitor, one Task per chat) and the events of a chat are applied in the order they were recorded, even when
// its start reaches one instance and its end the other.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/open.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import type { RecordChatInput } from '../generated/graphql.ts';
import { RecordChat } from '../support/connected-tenant.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { connectTenant, type ServiceProcess, spawnService } from '../support/service-process.ts';

const VISITORS = 15;
const CHATS_PER_VISITOR = 2;

let sandbox: Sandbox;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Database;
let dataDir: string;
const services: ServiceProcess[] = [];
const encryptionKey = randomBytes(32).toString('base64');

async function startService(): Promise<string> {
  const service = await spawnService({ databaseUrl: database.url, dataDir, sandbox, encryptionKey });
  services.push(service);
  return service.url;
}

beforeAll(async () => {
  sandbox = await startSandbox({ autoApprove: true });
  database = await createTestDatabase();
  dataDir = mkdtempSync(path.join(tmpdir(), 'cxsf-instances-'));
  db = await openDatabase({ databaseUrl: database.url, dataDir });
});

afterAll(async () => {
  await Promise.all(services.map((service) => service.kill()));
  await db?.close();
  await database?.drop();
  await sandbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('two service instances on one database', () => {
  it('write every chat once and apply each chat’s events in order', async () => {
    const [a, b] = await Promise.all([startService(), startService()]);
    const { adminKey: admin } = await connectTenant({ url: a }, db, sandbox, 'twin');
    const clientA = new GraphQLClient(`${a}/graphql`, { headers: { authorization: `Bearer ${admin}` } });
    const clientB = new GraphQLClient(`${b}/graphql`, { headers: { authorization: `Bearer ${admin}` } });

    // Slow enough that both instances' workers hold jobs at the same time.
    await sandbox.control.setFaults({ latencyMs: 60, latencyJitterMs: 60 });
    const chats = Array.from({ length: VISITORS * CHATS_PER_VISITOR }, (_, i) => ({
      chatId: `twin-${i}`,
      visitor: { name: `Twin ${i % VISITORS}`, email: `twin${i % VISITORS}@example.com` },
      // Starts alternate between the instances; each end goes to the other one.
      first: i % 2 ? clientB : clientA,
      second: i % 2 ? clientA : clientB,
    }));
    // A mutation answered with an error is sent again, as an integrator's client does: recording is idempotent.
    const send = async (client: GraphQLClient, input: RecordChatInput) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await client.request(RecordChat, { input });
        } catch (error) {
          if (attempt === 3) throw error;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    };
    await Promise.all(
      chats.map(async (chat) => {
        const common = { chatId: chat.chatId, visitor: chat.visitor, startedAt: '2026-11-25T07:00:00Z' };
        await send(chat.first, { ...common, event: 'STARTED' });
        await send(chat.second, {
          ...common,
          event: 'ENDED',
          endedAt: '2026-11-25T07:05:00Z',
          messages: [{ at: '2026-11-25T07:01:00Z', from: 'VISITOR', text: `last words of ${chat.chatId}` }],
        });
      }),
    );
    const deadline = Date.now() + 90_000;
    while ((await db.prisma.syncRecord.count({ where: { status: 'SYNCED' } })) < chats.length) {
      if (Date.now() > deadline) {
        const statuses = await db.prisma.syncRecord.groupBy({
          by: ['status', 'lastErrorCode'],
          _count: true,
        });
        throw new Error(`not every chat synced: ${JSON.stringify(statuses)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await sandbox.control.setFaults({ latencyMs: 0, latencyJitterMs: 0 });

    const leads = await sandbox.control.records('Lead');
    expect(leads).toHaveLength(VISITORS);
    const tasks = await sandbox.control.records('Task');
    expect(tasks).toHaveLength(chats.length);
    for (const chat of chats) {
      const mine = tasks.filter((task) => task.Description?.includes(`Chat ID: ${chat.chatId}\n`));
      expect(mine, chat.chatId).toHaveLength(1);
      // The end was applied after the start: the Task is complete and holds the end's transcript.
      expect(mine[0]).toMatchObject({ Status: 'Completed' });
      expect(mine[0].Description).toContain(`last words of ${chat.chatId}`);
      expect(mine[0].WhoId).toBe(leads.find((l) => l.Email === chat.visitor.email).Id);
    }
  }, 180_000);
});
