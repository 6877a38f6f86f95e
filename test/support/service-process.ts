// The real service as its own process (`src/server.ts`), as deployed: on a given PostgreSQL database, listening on a
// port of its own, with the sandbox listed as a Salesforce host. Several can share one database (instances, the
// throughput bench) or one port in turn (a killed service restarted). And a tenant connected through one of them
// by the real OAuth flow, as an admin would.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { GraphQLClient } from 'graphql-request';
import { createApiKey } from '../../src/auth/api-keys.ts';
import type { Database } from '../../src/db/open.ts';
import type { Sandbox } from '../../src/sandbox/server.ts';
import { graphql } from '../generated/gql.ts';
import { TestBrowser } from './browser.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

const SetApp = graphql(`
  mutation ServiceProcessSetSystemApp($input: SetSystemSalesforceAppInput!) {
    setSystemSalesforceApp(input: $input) {
      __typename
    }
  }
`);
const Connect = graphql(`
  mutation ServiceProcessConnect {
    startSalesforceConnection(configuration: SYSTEM) {
      ... on MutationStartSalesforceConnectionSuccess {
        data {
          authorizationUrl
        }
      }
    }
  }
`);

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export interface ServiceProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** SIGKILL, as a crash or an OOM kill would; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM, as a deployment would: the service stops gracefully (and writes its CPU profile, if asked for one). */
  stop(): Promise<void>;
}

export interface ServiceProcessOptions {
  databaseUrl: string;
  dataDir: string;
  sandbox: Sandbox;
  /** A free one when unset. A restarted service keeps its port: the org's callback URL names it. */
  port?: number;
  /** Set when processes share a data folder, so that none generates a key another does not know. */
  encryptionKey?: string;
  /** More variables (LOG_LEVEL, SYNC_JOB_EXPIRE_SECONDS, SYNC_CONCURRENCY…). */
  env?: Record<string, string>;
  /** Node's own flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** Appends the service's stdout (its log) to this file. */
  logFile?: string;
}

/** Starts the service and resolves once it answers /healthz; rejects if it exits first. */
export async function spawnService(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: options.databaseUrl,
      DATA_DIR: options.dataDir,
      PORT: String(port),
      PUBLIC_BASE_URL: url,
      DEMO: '0',
      LOG_LEVEL: 'warn',
      // The sandbox is a Salesforce host only because it is listed, as in every test.
      SALESFORCE_ALLOWED_HOSTS: options.sandbox.url,
      ...(options.encryptionKey ? { ENCRYPTION_KEY: options.encryptionKey } : {}),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout!.on('data', (chunk: Buffer) => {
    if (options.logFile) appendFileSync(options.logFile, chunk);
  });
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number | null, signal: string | null) => {
      clearInterval(check);
      reject(new Error(`service exited early (${code ?? signal})`));
    };
    const check = setInterval(async () => {
      try {
        if ((await fetch(`${url}/healthz`)).ok) {
          clearInterval(check);
          child.off('exit', onExit);
          resolve();
        }
      } catch {}
    }, 100);
    child.on('exit', onExit);
  });
  return {
    url,
    port,
    child,
    kill: () => signal(child, 'SIGKILL'),
    stop: () => signal(child, 'SIGTERM'),
  };
}

function signal(child: ChildProcess, name: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(name);
  });
}

/**
 * A tenant connected to the sandbox through `service` the way an admin does it: the platform's connected app set by
 * a SYSTEM key, then the OAuth flow in a (test) browser. Answers the tenant and an ADMIN key of it.
 */
export async function connectTenant(
  service: { url: string },
  db: Database,
  sandbox: Sandbox,
  slug: string,
): Promise<{ tenantId: string; adminKey: string }> {
  const system = (await createApiKey(db.prisma, { tenantId: null, role: 'SYSTEM', name: 'platform' })).key;
  const tenant = await db.prisma.tenant.create({ data: { slug, name: slug } });
  const adminKey = (await createApiKey(db.prisma, { tenantId: tenant.id, role: 'ADMIN', name: 'admin' })).key;
  const app = { clientId: `${slug}-app`, clientSecret: `${slug}-secret` };
  await sandbox.control.createConnectedApp({
    ...app,
    callbackUrls: [`${service.url}/api/v2.0/integration/app/callback/api/salesforce`],
  });
  const graphqlUrl = `${service.url}/graphql`;
  await new GraphQLClient(graphqlUrl, { headers: { authorization: `Bearer ${system}` } }).request(SetApp, {
    input: { ...app, loginUrl: sandbox.url },
  });
  const admin = new GraphQLClient(graphqlUrl, { headers: { authorization: `Bearer ${adminKey}` } });
  const started = (await admin.request(Connect)).startSalesforceConnection as {
    data: { authorizationUrl: string };
  };
  // The browser's part, cookie included (the OAuth state is bound to the browser that started it).
  await new TestBrowser().open(started.data.authorizationUrl);
  return { tenantId: tenant.id, adminKey };
}
