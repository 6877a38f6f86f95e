// The quickstart: `npm start` with no configuration also runs the Salesforce sandbox and a demo tenant connected to
// it, and prints a key and a recordChat request that works as printed.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'cxsf-demo-'));
const port = 40_000 + Math.floor(Math.random() * 20_000);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATA_DIR: dataDir,
  PORT: String(port),
  SANDBOX_PORT: String(port + 1),
};
for (const name of [
  'DATABASE_URL',
  'PUBLIC_BASE_URL',
  'ENCRYPTION_KEY',
  'JWT_SECRET',
  'JWT_JWKS_URL',
  'JWT_PUBLIC_KEY',
  'DEMO',
]) {
  delete env[name];
}
let child: ChildProcess | undefined;

afterAll(async () => {
  if (child) {
    await new Promise((resolve) => {
      child!.on('exit', resolve);
      child!.kill('SIGTERM');
    });
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start without configuration', () => {
  it('prints a demo key and a recordChat request that writes the chat into the sandbox', async () => {
    let output = '';
    child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('record a chat:') && output.includes("-d '")) resolve();
      });
      child!.on('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const key = /demo ADMIN key: +(\S+)/.exec(output)![1]!;
    const body = /-d '(.+)'/.exec(output)![1]!;
    expect(output).toContain(`GraphiQL:            http://localhost:${port}/graphql`);

    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body,
    });
    const result = (await response.json()) as { data: { recordChat: { data: { status: string } } } };
    expect(result.data.recordChat.data.status).toBe('SYNCED');
    const leads = (await (
      await fetch(`http://127.0.0.1:${port + 1}/__sandbox/records/Lead`)
    ).json()) as Array<{ Email: string }>;
    expect(leads.map((lead) => lead.Email)).toContain('ada@example.com');
  }, 90_000);
});
