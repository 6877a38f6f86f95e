// Starts the real service on a free port over a fresh PostgreSQL database; tests talk to it over HTTP.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLClient } from 'graphql-request';
import { type App, createApp } from '../../src/app.ts';
import { createApiKey } from '../../src/auth/api-keys.ts';
import { readConfig } from '../../src/config.ts';
import type { Role } from '../../src/generated/prisma/enums.ts';
import { createTestDatabase } from './postgres.ts';

export const TEST_JWT_SECRET = 'test-secret-for-platform-tokens-0123456789';

export interface TestService {
  url: string;
  app: App;
  /** A graphql-request client; with a key or token it sends it as the bearer credential. */
  client(credential?: string): GraphQLClient;
  /** A tenant with one key per role. */
  createTenant(slug: string): Promise<{ id: string; keys: Record<Exclude<Role, 'SYSTEM'>, string> }>;
  systemKey(): Promise<string>;
  close(): Promise<void>;
}

export async function startService(env: Record<string, string> = {}): Promise<TestService> {
  const database = await createTestDatabase();
  const config = readConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    JWT_SECRET: TEST_JWT_SECRET,
    DEMO: '0',
    ...env,
  });
  const app = await createApp(config);
  const server: Server = createServer(app.yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const prisma = app.db.prisma;
  return {
    url,
    app,
    client: (credential) =>
      new GraphQLClient(`${url}/graphql`, {
        headers: credential ? { authorization: `Bearer ${credential}` } : {},
      }),
    async createTenant(slug) {
      const tenant = await prisma.tenant.create({ data: { slug, name: slug } });
      const keys = {} as Record<Exclude<Role, 'SYSTEM'>, string>;
      for (const role of ['ADMIN', 'AGENT', 'INTEGRATION'] as const) {
        keys[role] = (
          await createApiKey(prisma, { tenantId: tenant.id, role, name: role.toLowerCase() })
        ).key;
      }
      return { id: tenant.id, keys };
    },
    async systemKey() {
      return (await createApiKey(prisma, { tenantId: null, role: 'SYSTEM', name: 'platform' })).key;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await app.close();
      await database.drop();
    },
  };
}
