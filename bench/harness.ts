// The bench's world: the project's Salesforce sandbox and the real service (in-process, on a fresh PostgreSQL
// database made through TEST_DATABASE_URL's server; BENCH_EMBEDDED=1 uses PGlite instead), a tenant connected
// through the real OAuth flow, and a GraphQL client.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GraphQLClient } from 'graphql-request';
import { type App, createApp } from '../src/app.ts';
import { createApiKey } from '../src/auth/api-keys.ts';
import { readConfig } from '../src/config.ts';
import { connectThroughSandbox } from '../src/demo.ts';
import { type Sandbox, startSandbox } from '../src/sandbox/server.ts';
import { publishMapping } from '../src/sync/mapping-versions.ts';
import type { SyncOptions } from '../src/sync/service.ts';
import { createTestDatabase } from '../test/support/postgres.ts';

export interface BenchOrg {
  app: App;
  sandbox: Sandbox;
  tenantId: string;
  client: GraphQLClient;
  accessToken(): Promise<string>;
  calls(): Promise<number>;
  close(): Promise<void>;
}

const CLIENT = { clientId: 'bench-app', clientSecret: 'bench-secret' };

export async function startBenchOrg(
  options: { mapping?: string; slug?: string; sync?: SyncOptions } = {},
): Promise<BenchOrg> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cxsf-bench-'));
  const database = process.env.BENCH_EMBEDDED === '1' ? undefined : await createTestDatabase();
  const sandbox = await startSandbox({ autoApprove: true });
  const config = readConfig({
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    DATABASE_URL: database?.url ?? '',
    PUBLIC_BASE_URL: 'http://127.0.0.1:9',
    ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    DEMO: '0',
    SALESFORCE_ALLOWED_HOSTS: sandbox.url,
  });
  const app = await createApp(config, { sync: { pollingIntervalSeconds: 0.5, ...options.sync } });
  await sandbox.control.createConnectedApp({
    ...CLIENT,
    callbackUrls: [app.services.connections.callbackUrl],
  });
  await app.services.connections.apps.setSystem({ ...CLIENT, loginUrl: sandbox.url });
  const tenant = await app.db.prisma.tenant.create({
    data: { slug: options.slug ?? 'bench', name: 'Bench' },
  });
  await connectThroughSandbox(app, tenant.id);
  if (options.mapping)
    await publishMapping(app.db.prisma, { tenantId: tenant.id, yaml: options.mapping, author: 'bench' });
  const key = (await createApiKey(app.db.prisma, { tenantId: tenant.id, role: 'INTEGRATION', name: 'bench' }))
    .key;
  const client = new GraphQLClient('http://bench/graphql', {
    headers: { authorization: `Bearer ${key}` },
    fetch: ((input: string, init: RequestInit) => app.yoga.fetch(input, init)) as typeof fetch,
  });
  return {
    app,
    sandbox,
    tenantId: tenant.id,
    client,
    async accessToken() {
      return (await app.services.connections.forTenant(tenant.id)).conn.accessToken!;
    },
    async calls() {
      return (await sandbox.control.apiCalls()).total;
    },
    async close() {
      await app.close();
      await sandbox.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until no sync record of the tenant is queued, running or retrying. */
export async function drained(org: BenchOrg, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await org.app.db.prisma.syncRecord.count({
      where: { tenantId: org.tenantId, status: { in: ['PENDING', 'RUNNING', 'RETRYING'] } },
    });
    if (open === 0) return;
    if (Date.now() > deadline) throw new Error(`${open} sync records still open`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function table(title: string, rows: Array<Record<string, string | number>>): void {
  console.log(`\n${title}`);
  console.table(rows);
}
