// The README's start command on the embedded default: a real process, a real port, PGlite in a data folder.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'cxsf-start-'));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATA_DIR: dataDir,
  DEMO: '0',
  LOG_LEVEL: 'info',
  NODE_ENV: 'production',
  ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
};
delete env.DATABASE_URL;
const port = 40_000 + Math.floor(Math.random() * 20_000);
env.PUBLIC_BASE_URL = `http://127.0.0.1:${port}`;

function start(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening on')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

async function query(key?: string) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query: '{ __typename viewer { tenant { slug } } }' }),
  });
  return { status: response.status, body: await response.json() };
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npm start on the embedded default', () => {
  it('serves GraphQL with a key, refuses without one, stops cleanly and keeps its data across restarts', async () => {
    const output = execFileSync('npx', ['tsx', 'src/cli/create-tenant.ts', 'demo-co'], {
      cwd: root,
      env,
      encoding: 'utf8',
    });
    const key = /ADMIN key: (\S+)/.exec(output)![1]!;

    let server = await start();
    expect(await query(key)).toEqual({
      status: 200,
      body: { data: { __typename: 'Query', viewer: { tenant: { slug: 'demo-co' } } } },
    });
    const refused = await query();
    expect(refused.status).toBe(401);
    expect(refused.body.errors[0].message).toContain('Authentication required');
    expect(await stop(server)).toBe(0);

    server = await start();
    expect((await query(key)).body.data.viewer.tenant.slug).toBe('demo-co');
    expect(await stop(server)).toBe(0);
  }, 120_000);
});
