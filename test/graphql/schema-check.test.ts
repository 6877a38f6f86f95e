// `npm run schema:check` guards schema.graphql: it passes on the committed file and fails once the Pothos schema and
// the file differ, as after editing a type without reprinting.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const check = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/print-schema.ts', '--check', ...args], {
    cwd: root,
    encoding: 'utf8',
  });

describe('schema:check', () => {
  it('passes on the committed schema.graphql', () => {
    const run = check();
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('schema.graphql is up to date.');
  }, 30_000);

  it('fails, saying what to run, when the file no longer matches the Pothos types', () => {
    const stale = path.join(mkdtempSync(path.join(tmpdir(), 'cxsf-schema-')), 'schema.graphql');
    const printed = readFileSync(path.join(root, 'schema.graphql'), 'utf8');
    // As if a field had been added to SyncRecord in Pothos without reprinting: the printed file lacks it.
    writeFileSync(stale, printed.replace(/\n {2}attempts: Int!\n/, '\n'));
    const run = check('--file', stale);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Run `npm run schema:print` and commit the result.');
  }, 30_000);
});
