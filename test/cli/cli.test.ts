import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/command.ts';
import { runCli } from '../../src/cli/run.ts';
import { createTestDatabase } from '../support/postgres.ts';

const root = new URL('../../', import.meta.url).pathname;
const invalid = 'test/mapping/fixtures/invalid';

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    readFile: (p) => readFile(new URL(p, `file://${root}`), 'utf8'),
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

describe('cx-salesforce validate', () => {
  it('exits 0 for the default mappings', async () => {
    const r = await cli('validate', 'mappings/defaults/sales.yaml', 'mappings/defaults/support.yaml');
    expect(r).toEqual({ code: 0, stdout: '', stderr: '2 mapping(s) valid\n' });
  });

  it('exits 1 and prints one line per problem', async () => {
    const r = await cli(
      'validate',
      'mappings/defaults/sales.yaml',
      `${invalid}/mode-not-in-enum.yaml`,
      `${invalid}/unknown-lead-field.yaml`,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      `${invalid}/mode-not-in-enum.yaml:2:7  mode  "automatc" is not one of: automatic, manual\n` +
        `${invalid}/unknown-lead-field.yaml:18:5  objects.Lead.Emial  "Emial" is not a field of Lead\n`,
    );
    expect(r.stderr).toBe('2 of 3 mapping(s) invalid\n');
  });

  it('prints machine-readable diagnostics with --format json', async () => {
    const r = await cli('validate', '--format', 'json', `${invalid}/duplicate-top-level-key.yaml`);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      files: [
        {
          file: `${invalid}/duplicate-top-level-key.yaml`,
          ok: false,
          diagnostics: [
            {
              file: `${invalid}/duplicate-top-level-key.yaml`,
              line: 3,
              column: 1,
              path: 'mode',
              code: 'duplicate-key',
              message: 'duplicate key "mode"',
              severity: 'error',
            },
          ],
        },
      ],
    });
  });

  it.each([
    [['validate'], 'give at least one mapping file'],
    [['validate', '--format', 'xml', 'a.yaml'], '--format must be text or json, not "xml"'],
    [['validate', '--nope', 'a.yaml'], "Unknown option '--nope'"],
    [['validate', 'missing.yaml'], 'cannot read missing.yaml: ENOENT'],
  ])('exits 2 on usage errors: %j', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

describe('cx-salesforce plan', () => {
  it('prints the plan of the example event with the example lookups', async () => {
    const r = await cli(
      'plan',
      'mappings/defaults/sales.yaml',
      'mappings/examples/chat-ended.event.json',
      '--lookups',
      'mappings/examples/lookups.json',
    );
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.matched).toEqual({ object: 'Lead', id: '00Q5g00000AbCdEAAV', rule: 'lead-by-email' });
    expect(plan.steps.map((s: { op: string; ref: string }) => `${s.op} ${s.ref}`)).toEqual([
      'update lead',
      'create task',
      'upload attachment1',
    ]);
  });

  it('prints the lookups with --queries', async () => {
    const r = await cli(
      'plan',
      'mappings/defaults/support.yaml',
      'mappings/examples/chat-ended.event.json',
      '--queries',
    );
    expect(JSON.parse(r.stdout).map((l: { key: string }) => l.key)).toEqual([
      'identify:Account:account-by-company',
      'identify:Contact:contact-by-email',
      'identify:Contact:contact-by-phone',
      'owner',
    ]);
  });

  it('plans a manual action', async () => {
    const r = await cli(
      'plan',
      'mappings/defaults/support.yaml',
      'mappings/examples/chat-ended.event.json',
      '--action',
      'createContact',
    );
    expect(JSON.parse(r.stdout).steps.map((s: { ref: string }) => s.ref)).toEqual(['contact']);
  });

  it('exits 1 with the diagnostics when the mapping is invalid', async () => {
    const r = await cli('plan', `${invalid}/version-not-1.yaml`, 'mappings/examples/chat-ended.event.json');
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `${invalid}/version-not-1.yaml:1:10  version  must be 1\n`,
    });
  });

  it('exits 2 without an event file or with a bad action', async () => {
    expect((await cli('plan', 'mappings/defaults/sales.yaml')).code).toBe(2);
    expect(
      (
        await cli(
          'plan',
          'mappings/defaults/sales.yaml',
          'mappings/examples/chat-ended.event.json',
          '--action',
          'delete',
        )
      ).code,
    ).toBe(2);
  });
});

describe('cx-salesforce', () => {
  it('lists its commands with --help and exits 2 on an unknown command', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('validate  check mapping files');
    expect(help.stdout).toContain('plan      print the Salesforce operations');
    expect((await cli('publish')).code).toBe(2);
    expect((await cli('validate', '--help')).stdout).toContain(
      'Exit status: 0 all valid, 1 a mapping has errors, 2 usage error',
    );
  });

  it('runs as the package bin', async () => {
    const run = promisify(execFile);
    const { stdout } = await run(
      process.execPath,
      ['bin/cx-salesforce.js', 'validate', 'mappings/defaults/sales.yaml', '--format', 'json'],
      { cwd: root },
    );
    expect(JSON.parse(stdout).ok).toBe(true);
    await expect(
      run(process.execPath, ['bin/cx-salesforce.js', 'validate', `${invalid}/version-not-1.yaml`], {
        cwd: root,
      }),
    ).rejects.toMatchObject({ code: 1 });
  });
});

describe('cx-salesforce --version', () => {
  it("prints the package's version", async () => {
    const { version } = JSON.parse(await readFile(new URL('package.json', `file://${root}`), 'utf8'));
    expect(await cli('--version')).toEqual({ code: 0, stdout: `cx-salesforce ${version}\n`, stderr: '' });
  });
});

describe('cx-salesforce plan with a recordChat input', () => {
  const recordChatRequest = {
    query: 'mutation($input: RecordChatInput!) { recordChat(input: $input) { __typename } }',
    variables: {
      input: {
        chatId: 'chat-9',
        event: 'ENDED',
        channel: 'Website',
        visitor: { name: 'Ada Lovelace', email: 'ada@example.com' },
        messages: [{ at: '2026-11-25T10:00:00Z', from: 'VISITOR', text: 'Hello' }],
        customFields: [{ key: 'plan', value: 'premium' }],
        waitSeconds: 10,
      },
    },
  };

  async function planOf(json: unknown) {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'cxsf-plan-')), 'input.json');
    writeFileSync(file, JSON.stringify(json));
    return cli('plan', 'mappings/defaults/sales.yaml', file);
  }

  it('plans the same chat from a GraphQL request, its input, or the input alone', async () => {
    const fromRequest = await planOf(recordChatRequest);
    expect(fromRequest.stderr).toBe('');
    expect(fromRequest.code).toBe(0);
    const plan = JSON.parse(fromRequest.stdout);
    expect(JSON.stringify(plan)).toContain('ada@example.com');
    expect((await planOf(recordChatRequest.variables)).stdout).toBe(fromRequest.stdout);
    expect((await planOf(recordChatRequest.variables.input)).stdout).toBe(fromRequest.stdout);
  });

  it('says what is wrong with an input that is neither', async () => {
    const r = await planOf({ chatId: 'x', event: 'FINISHED', visitor: {} });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('event must be one of STARTED, OFFLINE_MESSAGE, ENDED, got "FINISHED"');
  });
});

describe('the other commands', () => {
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, ['--import', 'tsx', ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'cxsf-cli-')), ...env },
    });

  it('npm run sandbox -- --help prints its options', () => {
    const r = run(['src/sandbox/cli.ts', '--help']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain('Usage: npm run sandbox -- [--port <n>]');
    const bad = run(['src/sandbox/cli.ts', '--prot', '1']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^sandbox: Unknown option '--prot'/);
  });

  it('tenant:create creates a tenant once and says what is wrong in one line, never a stack', async () => {
    const database = await createTestDatabase();
    const db = { NODE_ENV: 'test', DATABASE_URL: database.url };
    const help = run(['src/cli/create-tenant.ts', '--help']);
    expect([help.status, help.stdout]).toEqual([0, expect.stringContaining('Usage: npm run tenant:create')]);
    const created = run(['src/cli/create-tenant.ts', 'acme', 'Acme Inc'], db);
    expect(created.status).toBe(0);
    expect(created.stdout).toMatch(/^tenant acme \(.+\)\nADMIN key: cxsf_/);
    const again = run(['src/cli/create-tenant.ts', 'acme'], db);
    await database.drop();
    expect([again.status, again.stderr]).toEqual([2, 'tenant:create: a tenant "acme" already exists\n']);
    const bad = run(['src/cli/create-tenant.ts', 'Not A Slug']);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([
      'tenant:create: "Not A Slug" is not a valid slug: slug must be 2-63 lower-case letters, digits or dashes, starting with a letter or digit.',
    ]);
  }, 60_000);
});

describe('cx-salesforce backfill --dry-run', () => {
  it('streams the file through the bin: bad lines reported with their numbers, chats counted, nothing sent', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cxsf-cli-'));
    const file = path.join(dir, 'history.ndjson');
    const chat = (n: number) =>
      JSON.stringify({ chatId: `c${n}`, event: 'ENDED', visitor: { name: `V${n}` } });
    writeFileSync(file, `${chat(1)}\n{"chatId": \n\n${chat(2)}\r\n[1]\n${chat(3)}`);
    try {
      const run = promisify(execFile);
      const failed = await run(process.execPath, ['bin/cx-salesforce.js', 'backfill', file, '--dry-run'], {
        cwd: root,
      }).catch((error: { code: number; stdout: string }) => error);
      expect(failed).toMatchObject({ code: 1 });
      const lines = (failed as { stdout: string }).stdout.trim().split('\n');
      expect(lines[0]).toMatch(new RegExp(`^${file}:2  not JSON: `));
      expect(lines.slice(1)).toEqual([
        `${file}:5  not a chat: give one JSON object (a RecordChatInput) per line`,
        `${file}: 3 chats, 2 bad lines; nothing sent (--dry-run)`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
