// `cx-salesforce publish`: a mapping kept in git published from CI with an API key, against the real service.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/command.ts';
import { createPublishCommand } from '../../src/cli/publish.ts';
import { runCli } from '../../src/cli/run.ts';
import { startService, type TestService } from '../support/service.ts';

let service: TestService;
let acme: Awaited<ReturnType<TestService['createTenant']>>;
let dir: string;

beforeAll(async () => {
  service = await startService();
  acme = await service.createTenant('acme');
  dir = mkdtempSync(path.join(tmpdir(), 'cxsf-publish-'));
});
afterAll(async () => {
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function publish(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    readFile: (p) => readFile(p, 'utf8'),
  };
  const command = createPublishCommand({ env: () => env, fetch: globalThis.fetch });
  const code = await runCli(['publish', ...argv], io, [command]);
  return { code, stdout, stderr };
}

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

const support = await readFile(new URL('../../mappings/defaults/support.yaml', import.meta.url), 'utf8');

describe('cx-salesforce publish', () => {
  it('publishes the file as the next version and prints it', async () => {
    const mapping = file('support.yaml', support);
    const url = `${service.url}/graphql`;
    const r = await publish([mapping, '--url', url, '--key', acme.keys.ADMIN]);
    const active = await service.app.db.prisma.mappingVersion.findFirstOrThrow({
      where: { tenantId: acme.id, active: true },
    });
    expect(r).toEqual({
      code: 0,
      stdout: `published ${mapping} as version 1 (${active.hash})\n`,
      stderr: '',
    });
    expect(active.yaml).toBe(support);
  });

  it('takes the key and the URL from CXSF_KEY and CXSF_URL, and publishes nothing when the text is active', async () => {
    const mapping = file('again.yaml', support);
    const r = await publish([mapping], { CXSF_KEY: acme.keys.ADMIN, CXSF_URL: `${service.url}/graphql` });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/is the active version 1 already \(sha256:[0-9a-f]{16}\): nothing published\n$/);
  });

  it('exits 1 and prints each problem as file:line:col  path  message', async () => {
    const mapping = file('broken.yaml', support.replace('mode: automatic', 'mode: sometimes'));
    const r = await publish([mapping, '--url', `${service.url}/graphql`, '--key', acme.keys.ADMIN]);
    expect(r).toEqual({
      code: 1,
      stdout: `${mapping}:7:7  mode  "sometimes" is not one of: automatic, manual\n`,
      stderr: `${mapping}: not published, 1 problem(s)\n`,
    });
  });

  it('exits 2 when the key may not publish', async () => {
    const r = await publish([
      file('x.yaml', support),
      '--url',
      `${service.url}/graphql`,
      '--key',
      acme.keys.AGENT,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'cx-salesforce publish: Your AGENT credential may not use "Mutation.publishMapping".\n',
    );
  });

  it.each([
    [['a.yaml', '--url', 'http://x/graphql'], 'give an ADMIN API key with --key (or set CXSF_KEY)'],
    [['a.yaml', '--key', 'k'], 'give the GraphQL endpoint with --url (or set CXSF_URL)'],
    [[], 'give one mapping file'],
  ])('exits 2 on usage errors: %j', async (argv, message) => {
    const r = await publish(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});
