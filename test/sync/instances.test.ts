// Two service processes on one PostgreSQL, both running sync workers: every chat is written exactly once (one Lead
// per visitor, one Task per chat) and the events of a chat are applied in the order they were recorded, even when
// its start reaches one instance and its end the other.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/api-keys.ts';
import { type Database, openDatabase } from '../../src/db/open.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import { graphql } from '../generated/gql.ts';
import type { RecordChatInput } from '../generated/graphql.ts';
import { TestBrowser } from '../support/browser.ts';
import { RecordChat } from '../support/connected-tenant.ts';
import { createTestDatabase } from '../support/postgres.ts';

const SetApp = graphql(`
  mutation InstancesSetSystemApp($input: SetSystemSalesforceAppInput!) {
    setSystemSalesforceApp(input: $input) {
      __typename
    }
  }
`);
const Connect = graphql(`
  mutation InstancesConnect {
    startSalesforceConnection(configuration: SYSTEM) {
      ... on MutationStartSalesforceConnectionSuccess {
        data {
          authorizationUrl
        }
      }
    }
  }
`);

const root = path.resolve(import.meta.dirname, '../..');
const VISITORS = 15;
const CHATS_PER_VISITOR = 2;

let sandbox: Sandbox;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Database;
let dataDir: string;
const services: ChildProcess[] = [];

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const encryptionKey = randomBytes(32).toString('base64');

async function startService(): Promise<string> {
  const port = await freePort();
  const service = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      ENCRYPTION_KEY: encryptionKey,
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      DEMO: '0',
      LOG_LEVEL: 'warn',
      // The sandbox is a Salesforce host only because it is listed, as in every test.
      SALESFORCE_ALLOWED_HOSTS: sandbox.url,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  services.push(service);
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(async () => {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) {
          clearInterval(check);
          resolve();
        }
      } catch {}
    }, 200);
    service.on('exit', (code) => {
      clearInterval(check);
      reject(new Error(`service exited early (${code})`));
    });
  });
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  sandbox = await startSandbox({ autoApprove: true });
  database = await createTestDatabase();
  dataDir = mkdtempSync(path.join(tmpdir(), 'cxsf-instances-'));
  db = await openDatabase({ databaseUrl: database.url, dataDir });
});

afterAll(async () => {
  for (const service of services) service.kill('SIGKILL');
  await db?.close();
  await database?.drop();
  await sandbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('two service instances on one database', () => {
  it('write every chat once and apply each chat’s events in order', async () => {
    const [a, b] = await Promise.all([startService(), startService()]);
    const system = (await createApiKey(db.prisma, { tenantId: null, role: 'SYSTEM', name: 'platform' })).key;
    const tenant = await db.prisma.tenant.create({ data: { slug: 'twin', name: 'Twin' } });
    const admin = (await createApiKey(db.prisma, { tenantId: tenant.id, role: 'ADMIN', name: 'admin' })).key;
    const app = { clientId: 'twin-app', clientSecret: 'twin-secret' };
    await sandbox.control.createConnectedApp({
      ...app,
      callbackUrls: [`${a}/api/v2.0/integration/app/callback/api/salesforce`],
    });
    await new GraphQLClient(`${a}/graphql`, { headers: { authorization: `Bearer ${system}` } }).request(
      SetApp,
      {
        input: { ...app, loginUrl: sandbox.url },
      },
    );
    const clientA = new GraphQLClient(`${a}/graphql`, { headers: { authorization: `Bearer ${admin}` } });
    const clientB = new GraphQLClient(`${b}/graphql`, { headers: { authorization: `Bearer ${admin}` } });
    const started = (await clientA.request(Connect)).startSalesforceConnection as {
      data: { authorizationUrl: string };
    };
    // The browser's part, cookie included (the OAuth state is bound to the browser that started it).
    await new TestBrowser().open(started.data.authorizationUrl);

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
