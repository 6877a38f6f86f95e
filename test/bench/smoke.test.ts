// The benchmarks are scripts, not timed tests; this runs each in its short form so none of them rots.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function bench(file: string, ...args: string[]): string {
  const run = spawnSync(process.execPath, ['--import', 'tsx', `bench/${file}`, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

describe('benchmarks, short form', () => {
  it('mapping: prints compile times and plans per second', () => {
    expect(bench('mapping.ts')).toMatch(/plans\/s|plans per second/i);
  }, 60_000);

  it('calls: prints calls per chat for every scenario and both baselines', () => {
    const out = bench('calls.ts', '--short');
    expect(out).toContain('new visitor → Lead + Task');
    expect(out).toContain('careful');
  }, 120_000);

  it('backfill: syncs every chat and prints the calls it cost', () => {
    expect(bench('backfill.ts', '--short')).toContain('Backfill of 100 historical chats');
  }, 120_000);

  it('throughput: records and syncs every chat under latency', () => {
    expect(bench('throughput.ts', '--short', '--seconds', '3')).toContain('mutations/s');
  }, 120_000);

  it('console: prints Salesforce calls per lookup', () => {
    expect(bench('console.ts', '20')).toMatch(/per lookup/);
  }, 120_000);
});
