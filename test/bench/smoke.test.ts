// The benchmarks are scripts, not timed tests; this runs each in its short form so none of them rots, and checks the
// figures they write (--out), not only that they print: the baselines' exact call counts prove they were run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'cxsf-bench-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// biome-ignore lint/suspicious/noExplicitAny: a results section, read field by field.
function bench(file: string, ...args: string[]): any {
  const out = path.join(dir, `${file}.json`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', `bench/${file}`, ...args, '--out', out], {
    cwd: root,
    encoding: 'utf8',
    timeout: 240_000,
  });
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  const results = JSON.parse(readFileSync(out, 'utf8'));
  return Object.values(results)[0];
}

describe('benchmarks, short form', () => {
  it('mapping: compile times and plans per second, with provenance', () => {
    const m = bench('mapping.ts', '--runs', '1');
    expect(m.provenance.machine.cores).toBeGreaterThan(0);
    expect(m.provenance.commit).toMatch(/^[0-9a-f]{12}|unknown/);
    expect(m.sales.compileMs.median).toBeGreaterThan(0);
    expect(m.support.plansPerSecond.median).toBeGreaterThan(100);
  }, 60_000);

  it('calls: every scenario within its target, and the baselines run with their exact counts', () => {
    const c = bench('calls.ts', '--short');
    const scenario = (name: string) => c.scenarios.find((s: { name: string }) => s.name === name);
    expect(scenario('new visitor → Lead + Task').whole.max).toBeLessThanOrEqual(2);
    expect(scenario('returning visitor (recorded before) → Task').whole.max).toBeLessThanOrEqual(1);
    expect(c.perChatBaselines.naive.median).toBe(4);
    const burst = c.burst;
    expect(burst.chats).toBe(20);
    expect(burst.product.calls.max).toBeLessThanOrEqual(5);
    expect(burst.naive.calls.median).toBe(80);
    expect(burst.careful.calls.median).toBe(41); // 2 a chat, and the owner once
    expect(burst.carefulBulk.calls.median).toBe(3); // owner + Leads in one composite, Leads, Tasks
    expect(c.targetsMet).toBe(true);
  }, 240_000);

  it('backfill: every chat synced; the product beside baselines that ran', () => {
    const b = bench('backfill.ts', '--short');
    expect(b.chats).toBe(100);
    expect(b.product.calls.max).toBeLessThanOrEqual(10);
    expect(b.naive.calls.median).toBe(400);
    expect(b.careful.calls.median).toBe(201);
    expect(b.carefulBulk.calls.median).toBe(3);
  }, 150_000);

  it('throughput: an API-only process and a syncing one on one database; every chat recorded is synced once', () => {
    const t = bench('throughput.ts', '--short', '--seconds', '3', '--processes', '1+1');
    expect(t.byProcesses.map((p: { processes: string }) => p.processes)).toEqual(['1 API + 1 sync']);
    const [split] = t.byProcesses;
    expect(split.recorded.median).toBeGreaterThan(0);
    expect(split.synced.median).toBe(split.recorded.median);
    expect(split.tasks.median).toBe(split.synced.median);
    expect(split.mutationsPerSecond.median).toBeGreaterThan(0);
    // Both roles did their part: the API process stored, the other synced.
    expect(split.apiCpuMsPerChat.median).toBeGreaterThan(0);
    expect(split.syncCpuMsPerChat.median).toBeGreaterThan(0);
  }, 150_000);

  it('console: calls per lookup for the product and the three baselines', () => {
    const k = bench('console.ts', '--short');
    expect(k.agents).toBe(20);
    expect(k.product.calls.max).toBeLessThanOrEqual(2);
    expect(k['product asked again'].calls.max).toBe(0);
    expect(k.naive.calls.median).toBe(28); // email then phone for the 8 unmatched with both
    expect(k.careful.calls.median).toBe(20);
    expect(k.carefulBulk.calls.median).toBe(1);
  }, 60_000);
});
