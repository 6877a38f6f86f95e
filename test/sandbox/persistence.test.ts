import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connection, freshOrg, login, sandbox } from './support.ts';

describe('persistence and the command', () => {
  it('keeps records, apps and sessions in the data file between runs', async () => {
    const dataFile = join(mkdtempSync(join(tmpdir(), 'sandbox-')), 'org.json');
    const first = await sandbox({ dataFile });
    await freshOrg(first);
    const tokens = await login(first);
    const { id } = (await connection(first, tokens)
      .sobject('Lead')
      .create({ LastName: 'Doe', Company: 'Acme' })) as { id: string };
    const org = await first.control.org();
    await first.close();

    const second = await sandbox({ dataFile });
    expect(await second.control.org()).toEqual(org);
    const conn = connection(second, { ...tokens, instance_url: second.url });
    const lead = await conn.sobject('Lead').retrieve(id);
    expect(lead.LastName).toBe('Doe');
    await second.close();
  });

  it('starts with `npm run sandbox` and prints its login URL', async () => {
    // One process (no npx or tsx wrapper) so the kill below leaves nothing running.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/sandbox/cli.ts', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /login URL:\s+(http:\/\/\S+)/.exec(out);
          if (match) resolve(match[1]!);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const versions = await fetch(`${url}/services/data/`);
      expect(versions.status).toBe(200);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
