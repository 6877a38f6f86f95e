// The service on a real port whose PUBLIC_BASE_URL is that port (Salesforce redirects the browser back to it),
// with every log line kept, a data folder of its own, and helpers to walk the OAuth flow as a browser would.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GraphQLClient } from 'graphql-request';
import { type App, createApp } from '../../src/app.ts';
import { createApiKey } from '../../src/auth/api-keys.ts';
import { readConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { createTestDatabase } from '../support/postgres.ts';

export interface ConnectService {
  url: string;
  app: App;
  dataDir: string;
  /** Every log line the service wrote, at debug level. */
  logs: string[];
  client(credential?: string): GraphQLClient;
  createTenant(slug: string): Promise<{ id: string; admin: string; agent: string }>;
  systemKey(): Promise<string>;
  close(): Promise<void>;
}

export async function startConnectService(env: Record<string, string> = {}): Promise<ConnectService> {
  const database = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cxsf-connect-'));
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => handler?.(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const logs: string[] = [];
  const log = createLogger('debug', { write: (line: string) => void logs.push(line) });
  const config = readConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    PUBLIC_BASE_URL: url,
    DEMO: '0',
    ...env,
  });
  const app = await createApp(config, { log });
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
      const admin = await createApiKey(prisma, { tenantId: tenant.id, role: 'ADMIN', name: 'admin' });
      const agent = await createApiKey(prisma, { tenantId: tenant.id, role: 'AGENT', name: 'agent' });
      return { id: tenant.id, admin: admin.key, agent: agent.key };
    },
    async systemKey() {
      return (await createApiKey(prisma, { tenantId: null, role: 'SYSTEM', name: 'platform' })).key;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await app.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** GET without following redirects. */
export function get(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, redirect: 'manual' });
}

/** The message of the callback page, as the admin reads it. */
export async function pageMessage(response: Response): Promise<string> {
  const html = await response.text();
  const text = /<p id="message"[^>]*>([^<]*)<\/p>/.exec(html)?.[1] ?? '';
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** A local port nothing listens on. */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
