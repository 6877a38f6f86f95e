// SYNC_WORKERS=0: a process that answers the API and stores events but writes nothing to Salesforce, so that API and
// sync processes scale apart. Its chats wait for a syncing process, which then writes them.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/api-keys.ts';
import { type Database, openDatabase } from '../../src/db/open.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import { RecordChat } from '../support/connected-tenant.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { connectTenant, type ServiceProcess, spawnService } from '../support/service-process.ts';

let sandbox: Sandbox;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Database;
let dataDir: string;
const services: ServiceProcess[] = [];
const encryptionKey = randomBytes(32).toString('base64');

beforeAll(async () => {
  sandbox = await startSandbox({ autoApprove: true });
  database = await createTestDatabase();
  dataDir = mkdtempSync(path.join(tmpdir(), 'cxsf-api-only-'));
  db = await openDatabase({ databaseUrl: database.url, dataDir });
});

afterAll(async () => {
  await Promise.all(services.map((service) => service.kill()));
  await db?.close();
  await database?.drop();
  await sandbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const start = async (env: Record<string, string>) => {
  const service = await spawnService({ databaseUrl: database.url, dataDir, sandbox, encryptionKey, env });
  services.push(service);
  return service;
};

it('an API-only process stores chats and a syncing process writes them', async () => {
  const api = await start({ SYNC_WORKERS: '0' });
  const { tenantId } = await connectTenant(api, db, sandbox, 'api-only');
  const key = (await createApiKey(db.prisma, { tenantId, role: 'INTEGRATION', name: 'load' })).key;
  const client = new GraphQLClient(`${api.url}/graphql`, { headers: { authorization: `Bearer ${key}` } });
  await sandbox.control.resetApiCalls();
  for (const n of [1, 2, 3])
    await client.request(RecordChat, {
      input: {
        chatId: `split-${n}`,
        event: 'ENDED',
        visitor: { name: `Split ${n}`, email: `split${n}@example.com` },
      },
    });

  // Longer than a batch's gathering and a worker's poll: nothing is read or written while no process syncs.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  expect(await db.prisma.syncRecord.count({ where: { tenantId, status: 'PENDING' } })).toBe(3);
  expect((await sandbox.control.apiCalls()).total).toBe(0);

  await start({});
  const deadline = Date.now() + 30_000;
  while ((await db.prisma.syncRecord.count({ where: { tenantId, status: 'SYNCED' } })) < 3) {
    if (Date.now() > deadline) throw new Error('the syncing process did not write the stored chats');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(await sandbox.control.records('Task')).toHaveLength(3);
}, 90_000);
