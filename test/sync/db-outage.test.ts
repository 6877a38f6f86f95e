// The process survives its database: the service reaches PostgreSQL through a TCP proxy that the test cuts and
// restores. During the outage nothing crashes (an unhandled rejection fails this file), /readyz answers not ready and
// recordChat answers SERVICE_UNAVAILABLE (503, Retry-After), never a masked 500; once the database is back the
// service is ready again by itself and every chat, the one recorded just before the cut included, is synced.
import { createServer, type Server, Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ConnectedTenant, startConnectedTenant } from '../support/connected-tenant.ts';
import { createTestDatabase } from '../support/postgres.ts';

/** A TCP proxy to PostgreSQL that can be cut (every connection dropped, new ones refused) and restored. */
class CuttableProxy {
  private readonly sockets = new Set<Socket>();
  private cut = false;
  private readonly server: Server;
  constructor(target: { host: string; port: number }) {
    this.server = createServer((client) => {
      if (this.cut) return void client.destroy();
      const upstream = new Socket();
      upstream.connect(target.port, target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }
  listen(): Promise<number> {
    return new Promise((resolve) =>
      this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as { port: number }).port)),
    );
  }
  setCut(cut: boolean) {
    this.cut = cut;
    if (cut) for (const socket of this.sockets) socket.destroy();
  }
  close(): Promise<void> {
    this.setCut(true);
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let proxy: CuttableProxy;
let org: ConnectedTenant;

beforeAll(async () => {
  database = await createTestDatabase();
  const url = new URL(database.url);
  proxy = new CuttableProxy({ host: url.hostname, port: Number(url.port || 5432) });
  url.hostname = '127.0.0.1';
  url.port = String(await proxy.listen());
  org = await startConnectedTenant({
    databaseUrl: url.toString(),
    sync: { leaseSeconds: 3, wakeSeconds: 2, sweepIntervalSeconds: 0.5 },
  });
});
afterAll(async () => {
  await org?.close();
  await proxy?.close();
  await database?.drop();
});

const at = '2026-11-28T09:00:00.000Z';
const chat = (chatId: string) => ({
  chatId,
  event: 'ENDED' as const,
  visitor: { name: chatId, email: `${chatId}@example.com` },
  startedAt: at,
  endedAt: at,
});

const Record = `mutation OutageRecord($input: RecordChatInput!) { recordChat(input: $input) { __typename } }`;

async function post(input: ReturnType<typeof chat>, key = org.keys.INTEGRATION) {
  const response = await fetch(`${org.service.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: Record, variables: { input } }),
  });
  return {
    response,
    body: (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> },
  };
}

async function waitFor(check: () => Promise<boolean>, seconds: number): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

it('stays up through a database outage, says so, and recovers by itself', async () => {
  const ready = async () => (await fetch(`${org.service.url}/readyz`)).status === 200;
  expect(await ready()).toBe(true);
  await org.recordChat(chat('before-cut'));

  proxy.setCut(true);
  expect(await waitFor(async () => !(await ready()), 15)).toBe(true);
  const during = await post(chat('during-cut'));
  // One object, so that a failure shows what was answered instead.
  expect({ status: during.response.status, body: during.body }).toMatchObject({
    status: 503,
    body: { errors: [{ extensions: { code: 'SERVICE_UNAVAILABLE' } }] },
  });
  expect(during.response.headers.get('retry-after')).toMatch(/^\d+$/);
  // A key this instance has not verified lately is looked up in the database, before any resolver: the same answer.
  const unverified = await post(chat('during-cut'), `${org.keys.INTEGRATION.slice(0, -4)}zzzz`);
  expect({ status: unverified.response.status, body: unverified.body }).toMatchObject({
    status: 503,
    body: { errors: [{ extensions: { code: 'SERVICE_UNAVAILABLE' } }] },
  });
  // The workers and the sweeper keep failing against the cut database for a while; the process stays up.
  await new Promise((resolve) => setTimeout(resolve, 3000));

  proxy.setCut(false);
  expect(await waitFor(ready, 20)).toBe(true);
  await org.recordChat(chat('after-cut'));
  const prisma = org.service.app.db.prisma;
  const allSynced = () =>
    prisma.syncRecord
      .findMany({ where: { tenantId: org.tenantId }, select: { sourceId: true, status: true } })
      .then((rows) => rows.length === 2 && rows.every((r) => r.status === 'SYNCED'));
  expect(await waitFor(allSynced, 30)).toBe(true);
  for (const chatId of ['before-cut', 'after-cut'])
    expect(await org.sandbox.control.records('Lead', { Email: `${chatId}@example.com` })).toHaveLength(1);
  expect(await org.sandbox.control.records('Task')).toHaveLength(2);
});
