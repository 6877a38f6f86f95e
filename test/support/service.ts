// The real service on a free port over a fresh PostgreSQL database, with PUBLIC_BASE_URL set to that port (Salesforce
// redirects the browser back to it), its own data folder, and every log line kept. Tests talk to it over HTTP.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GraphQLClient } from 'graphql-request';
import { type App, createApp } from '../../src/app.ts';
import { createApiKey } from '../../src/auth/api-keys.ts';
import { readConfig } from '../../src/config.ts';
import type { Role } from '../../src/generated/prisma/enums.ts';
import { createLogger } from '../../src/log.ts';
import type { SyncOptions } from '../../src/sync/service.ts';
import { createTestDatabase } from './postgres.ts';

export const TEST_JWT_SECRET = 'test-secret-for-platform-tokens-0123456789';

type TenantRole = Exclude<Role, 'SYSTEM'>;

export interface TestService {
  url: string;
  app: App;
  dataDir: string;
  /** Every log line the service wrote, at debug level. */
  logs: string[];
  /** A graphql-request client; with a key or token it sends it as the bearer credential. */
  client(credential?: string): GraphQLClient;
  /** A tenant with one key per role (`admin` and `agent` repeat two of them). */
  createTenant(
    slug: string,
  ): Promise<{ id: string; keys: Record<TenantRole, string>; admin: string; agent: string }>;
  systemKey(): Promise<string>;
  close(): Promise<void>;
}

export async function startService(
  env: Record<string, string> = {},
  options: { sync?: SyncOptions; databaseUrl?: string } = {},
): Promise<TestService> {
  // DATABASE_URL set to '' in env: the embedded PGlite in the data folder.
  const embedded = env.DATABASE_URL === '';
  const database = options.databaseUrl || embedded ? undefined : await createTestDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cxsf-test-'));
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => handler?.(req, res));
  // A burst of a thousand clients connecting at once must not overflow Node's default backlog (511).
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 2048 }, resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const logs: string[] = [];
  const log = createLogger('debug', { write: (line: string) => void logs.push(line) });
  const config = readConfig({
    NODE_ENV: 'test',
    DATABASE_URL: embedded ? '' : (options.databaseUrl ?? database!.url),
    DATA_DIR: dataDir,
    PUBLIC_BASE_URL: url,
    JWT_SECRET: TEST_JWT_SECRET,
    DEMO: '0',
    ...env,
  });
  const app = await createApp(config, { log, sync: { pollingIntervalSeconds: 0.5, ...options.sync } });
  handler = app.yoga;
  const prisma = app.db.prisma;
  return {
    url,
    app,
    dataDir,
    logs,
    client: (credential) =>
      new GraphQLClient(`${url}/graphql`, {
        headers: credential ? { authorization: `Bearer ${credential}` } : {},
      }),
    async createTenant(slug) {
      const tenant = await prisma.tenant.create({ data: { slug, name: slug } });
      const keys = {} as Record<TenantRole, string>;
      for (const role of ['ADMIN', 'AGENT', 'INTEGRATION'] as const) {
        keys[role] = (
          await createApiKey(prisma, { tenantId: tenant.id, role, name: role.toLowerCase() })
        ).key;
      }
      return { id: tenant.id, keys, admin: keys.ADMIN, agent: keys.AGENT };
    },
    async systemKey() {
      return (await createApiKey(prisma, { tenantId: null, role: 'SYSTEM', name: 'platform' })).key;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await app.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
