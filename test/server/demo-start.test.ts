// The quickstart: `npm start` with no configuration also runs the Salesforce sandbox and a demo tenant connected to
// it, and prints a key and a recordChat request that works as printed. It starts again on the same data folder, stops
// gracefully (a recordChat waiting for its sync gets its answer) and exits at once on a second signal.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'cxsf-demo-'));
const port = 40_000 + Math.floor(Math.random() * 20_000);
const graphqlUrl = `http://127.0.0.1:${port}/graphql`;
const sandboxUrl = `http://127.0.0.1:${port + 1}`;
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATA_DIR: dataDir,
  PORT: String(port),
  SANDBOX_PORT: String(port + 1),
  LOG_FORMAT: 'json',
};
for (const name of [
  'DATABASE_URL',
  'PUBLIC_BASE_URL',
  'ENCRYPTION_KEY',
  'JWT_SECRET',
  'JWT_JWKS_URL',
  'JWT_PUBLIC_KEY',
  'DEMO',
  'NODE_ENV',
]) {
  delete env[name];
}
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts `src/server.ts` and resolves with the process and its banner once the demo is ready. */
async function startDemo(): Promise<{
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}> {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('record a chat:') && output.includes("-d '")) resolve();
    });
    void exited.then((code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
  return { child, output: () => output, exited };
}

function recordChat(key: string, body: string) {
  return fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body,
  }).then(
    async (response) => (await response.json()) as { data: { recordChat: { data: { status: string } } } },
  );
}

function slowSandbox(latencyMs: number) {
  return fetch(`${sandboxUrl}/__sandbox/faults`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ latencyMs }),
  });
}

describe('npm start without configuration', () => {
  it('prints a demo key and a recordChat request that writes the chat; restarts on the same data; stops gracefully', async () => {
    const first = await startDemo();
    const key = /demo ADMIN key: +(\S+)/.exec(first.output())![1]!;
    const body = /-d '(.+)'/.exec(first.output())![1]!;
    expect(first.output()).toContain(`GraphiQL:            http://localhost:${port}/graphql`);

    expect((await recordChat(key, body)).data.recordChat.data.status).toBe('SYNCED');
    const leads = (await (await fetch(`${sandboxUrl}/__sandbox/records/Lead`)).json()) as Array<{
      Id: string;
      Email: string;
    }>;
    const lead = leads.find((l) => l.Email === 'ada@example.com')!;
    // The record links the service hands out open the record in the sandbox.
    const opened = (await (await fetch(`${sandboxUrl}/lightning/r/Lead/${lead.Id}/view`)).json()) as {
      Id: string;
    };
    expect(opened.Id).toBe(lead.Id);

    // GraphiQL is served whole by the service (no CDN) and opens with the demo key.
    const page = await (await fetch(graphqlUrl, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('YogaGraphiQL');
    expect(page).not.toMatch(/<script[^>]+src=["']?https?:/);
    expect(page).toContain(`Bearer ${key}`);

    // Stopping while a recordChat waits for its sync: the request gets its answer, then the process exits 0.
    await slowSandbox(400);
    const inFlight = recordChat(key, body.replace('demo-chat-1', 'demo-chat-graceful'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    first.child.kill('SIGTERM');
    expect((await inFlight).data.recordChat.data.status).toBe('SYNCED');
    expect(await first.exited).toBe(0);

    // The same data folder starts again (the sandbox's users and apps, the tenant and its key are kept).
    const second = await startDemo();
    expect(/demo ADMIN key: +(\S+)/.exec(second.output())![1]).toBe(key);
    // A second signal does not wait for the slow request in flight.
    await slowSandbox(20_000);
    void recordChat(key, body.replace('demo-chat-1', 'demo-chat-impatient')).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalled = Date.now();
    second.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(143);
    expect(Date.now() - signalled).toBeLessThan(5_000);
    expect(second.output()).toContain('SIGTERM again, exiting at once');
  }, 120_000);
});
