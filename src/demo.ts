// The quickstart's demo: with no configuration, `npm start` also runs the project's Salesforce sandbox and a demo
// tenant connected to it through the system configuration, so a newcomer can record a chat within a minute.
// Any real configuration (DATABASE_URL, PUBLIC_BASE_URL, ENCRYPTION_KEY, JWT_*) switches it off; DEMO=0 too.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { App } from './app.ts';
import { createApiKey } from './auth/api-keys.ts';
import type { Config } from './config.ts';
import { type Sandbox, startSandbox } from './sandbox/server.ts';

const DEMO_CLIENT_ID = 'cloudcx-demo-app';
// A secret for a sandbox on this machine only; never a real org's.
const DEMO_CLIENT_SECRET = 'cloudcx-demo-secret';
const DEMO_AGENT = {
  username: 'grace@cloudcx.example',
  email: 'grace@cloudcx.example',
  firstName: 'Grace',
  lastName: 'Hopper',
};

export interface Demo {
  sandbox: Sandbox;
  key: string;
  tenantId: string;
}

/**
 * The demo's configuration: its sandbox is a Salesforce host only because it is listed, as an operator lists any
 * other host (SALESFORCE_ALLOWED_HOSTS); `startSandbox` listens on 127.0.0.1.
 */
export function demoConfig(config: Config): Config {
  const sandbox = `http://127.0.0.1:${config.sandboxPort}`;
  return { ...config, salesforceAllowedOrigins: [...config.salesforceAllowedOrigins, sandbox] };
}

export async function startDemo(app: App, port: number): Promise<Demo> {
  const { config, db, services, log } = app;
  const sandbox = await startSandbox({
    port,
    dataFile: path.join(config.dataDir, 'sandbox.json'),
    autoApprove: true,
  });
  const { connections } = services;
  await ignoreExisting(
    sandbox.control.createConnectedApp({
      clientId: DEMO_CLIENT_ID,
      clientSecret: DEMO_CLIENT_SECRET,
      callbackUrls: [connections.callbackUrl],
    }),
  );
  await ignoreExisting(sandbox.control.createUser(DEMO_AGENT));
  await connections.apps.setSystem({
    clientId: DEMO_CLIENT_ID,
    clientSecret: DEMO_CLIENT_SECRET,
    loginUrl: sandbox.url,
  });

  const tenant =
    (await db.prisma.tenant.findUnique({ where: { slug: 'demo' } })) ??
    (await db.prisma.tenant.create({ data: { slug: 'demo', name: 'Demo tenant' } }));
  // The demo key is kept in the data folder so every start can print it; real keys are shown once.
  const keyFile = path.join(config.dataDir, 'demo-key.txt');
  let key = existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : '';
  if (!key) {
    key = (await createApiKey(db.prisma, { tenantId: tenant.id, role: 'ADMIN', name: 'demo key' })).key;
    writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
  }
  if ((await connections.view(tenant.id)).status !== 'CONNECTED') await connectThroughSandbox(app, tenant.id);
  app.graphiql.headers = { Authorization: `Bearer ${key}` };
  log.info({ sandbox: sandbox.url }, 'demo sandbox running');
  return { sandbox, key, tenantId: tenant.id };
}

/**
 * The OAuth web-server flow an admin's browser follows (system configuration), approved at once by a sandbox started
 * with autoApprove: our start route sets the nonce cookie and redirects to the sandbox, which redirects to our
 * callback with a code; the callback, given the cookie back, completes the connection. Our two routes are called
 * through the handler itself: the server does not listen yet.
 */
export async function connectThroughSandbox(app: App, tenantId: string): Promise<void> {
  const { authorizationUrl } = await app.services.connections.start(tenantId, 'SYSTEM');
  const start = await app.yoga.fetch(authorizationUrl, { redirect: 'manual' });
  const cookie = start.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  const authorize = await fetch(redirectOf(start), { redirect: 'manual' });
  const callback = await app.yoga.fetch(redirectOf(authorize), { headers: { cookie } });
  if (!callback.ok) throw new Error(`the demo tenant could not connect (HTTP ${callback.status})`);
}

function redirectOf(response: Response): string {
  const location = response.headers.get('location');
  if (!location) throw new Error(`no redirect (HTTP ${response.status})`);
  return location;
}

async function ignoreExisting(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    // Kept from an earlier start in the sandbox's data file ("already exists", "is already taken").
    if (!/already|exist/i.test(String(error))) throw error;
  }
}

export function demoBanner(app: App, demo: Demo): string {
  const graphql = `http://localhost:${app.config.port}/graphql`;
  const example = JSON.stringify({
    query:
      'mutation($input: RecordChatInput!) { recordChat(input: $input) { ... on MutationRecordChatSuccess { data { status objects { sobjectType salesforceId } } } } }',
    variables: {
      input: {
        chatId: 'demo-chat-1',
        event: 'ENDED',
        channel: 'Website',
        visitor: { name: 'Ada Lovelace', email: 'ada@example.com', company: 'Analytical Engines' },
        agent: { id: 'agent-1', email: DEMO_AGENT.email },
        messages: [{ at: new Date().toISOString(), from: 'VISITOR', text: 'Hello!' }],
        waitSeconds: 10,
      },
    },
  });
  return [
    '',
    'CloudCX Salesforce connector: demo mode (no configuration given)',
    `  GraphiQL:            ${graphql}   (opens with the demo key in its Headers)`,
    `  demo ADMIN key:      ${demo.key}`,
    `  Salesforce sandbox:  ${demo.sandbox.url}   (records: ${demo.sandbox.url}/__sandbox/records/Lead)`,
    `  Sync console:        http://localhost:${app.config.port}/console   (sign in with the demo ADMIN key)`,
    '  record a chat:',
    `    curl -s ${graphql} -H 'content-type: application/json' -H 'authorization: Bearer ${demo.key}' \\`,
    `      -d '${example}'`,
    '',
  ].join('\n');
}
