// The deployed service, end to end, with plain node and no development package: started from an install of the build
// (scripts/deploy-check.sh makes one, the Dockerfile too) in production mode on PostgreSQL, it becomes ready, gets a
// tenant from the tenant command, connects it to the Salesforce sandbox through OAuth, and records a chat that reaches
// SYNCED. Usage: node scripts/deploy-smoke.mjs <install dir> <postgres URL>
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const [installDir, databaseUrl] = process.argv.slice(2);
if (!installDir || !databaseUrl) {
  console.error('usage: node scripts/deploy-smoke.mjs <install dir> <postgres URL>');
  process.exit(2);
}
const dist = path.resolve(installDir, 'dist');
const port = 45_000 + Math.floor(Math.random() * 5_000);
const base = `http://127.0.0.1:${port}`;
const dataDir = mkdtempSync(path.join(tmpdir(), 'cxsf-deploy-data-'));
const env = {
  PATH: process.env.PATH,
  NODE_ENV: 'production',
  DATABASE_URL: databaseUrl,
  ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  PUBLIC_BASE_URL: base,
  HOST: '127.0.0.1',
  PORT: String(port),
  DATA_DIR: dataDir,
  LOG_LEVEL: 'warn',
};

const { startSandbox } = await import(path.join(dist, 'sandbox/server.js'));
const sandbox = await startSandbox({ autoApprove: true });
// A Salesforce host the service accepts besides Salesforce's own domains (src/salesforce/endpoints.ts).
env.SALESFORCE_ALLOWED_HOSTS = sandbox.url;
let server;
try {
  const tenantCommand = (...args) =>
    execFileSync(process.execPath, [path.join(dist, 'cli/create-tenant.js'), ...args], {
      env,
      encoding: 'utf8',
    });
  server = spawn(process.execPath, [path.join(dist, 'server.js')], {
    cwd: installDir,
    env,
    stdio: 'inherit',
  });
  const exited = new Promise((resolve) => server.on('exit', resolve));
  await waitReady(exited);
  step('ready');

  const systemKey = /SYSTEM key: (\S+)/.exec(tenantCommand('--system'))[1];
  const adminKey = /ADMIN key: (\S+)/.exec(tenantCommand('smoke', 'Smoke test'))[1];
  const app = { clientId: 'deploy-smoke', clientSecret: 'deploy-smoke-secret' };
  await sandbox.control.createConnectedApp({
    ...app,
    callbackUrls: [`${base}/api/v2.0/integration/app/callback/api/salesforce`],
  });
  await graphql(
    systemKey,
    'mutation($i: SetSystemSalesforceAppInput!) { setSystemSalesforceApp(input: $i) { __typename } }',
    {
      i: { ...app, loginUrl: sandbox.url },
    },
  );
  const started = await graphql(
    adminKey,
    'mutation { startSalesforceConnection(configuration: SYSTEM) { ... on MutationStartSalesforceConnectionSuccess { data { authorizationUrl } } } }',
  );
  // As a browser: our start URL sets the state cookie, the sandbox approves at once, the callback checks the cookie.
  const start = await fetch(started.startSalesforceConnection.data.authorizationUrl, { redirect: 'manual' });
  const cookie = start.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  const approved = await fetch(start.headers.get('location'), { redirect: 'manual' });
  const callback = await fetch(approved.headers.get('location'), { headers: { cookie } });
  if (!callback.ok) throw new Error(`OAuth callback answered ${callback.status}`);
  step('connected to the sandbox');

  const recorded = await graphql(
    adminKey,
    'mutation($i: RecordChatInput!) { recordChat(input: $i) { ... on MutationRecordChatSuccess { data { status } } } }',
    {
      i: {
        chatId: `smoke-${Date.now()}`,
        event: 'ENDED',
        channel: 'Website',
        visitor: { name: 'Smoke Test', email: 'smoke@example.com' },
        messages: [{ at: new Date().toISOString(), from: 'VISITOR', text: 'Hello' }],
        waitSeconds: 20,
      },
    },
  );
  const status = recorded.recordChat.data?.status;
  if (status !== 'SYNCED') throw new Error(`recordChat answered ${JSON.stringify(recorded)}`);
  step('recordChat SYNCED');

  server.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) throw new Error(`the service exited with ${code} on SIGTERM`);
  step('stopped cleanly');
} finally {
  if (server && server.exitCode === null) server.kill('SIGKILL');
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });
}

function step(what) {
  console.log(`deploy-smoke: ${what}`);
}

async function waitReady(exited) {
  let exitCode;
  void exited.then((code) => {
    exitCode = code;
  });
  for (let i = 0; i < 600 && exitCode === undefined; i++) {
    if (
      await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Thrown, not exited: the caller's finally stops the sandbox and removes the data folder.
  throw new Error(
    exitCode === undefined
      ? 'not ready within 60 s'
      : `the service exited with ${exitCode} before it was ready`,
  );
}

async function graphql(key, query, variables) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}
