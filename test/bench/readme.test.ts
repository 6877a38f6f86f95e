// README's benchmark figures are generated from bench/results.json (npm run bench:readme): they cannot drift from
// what the benches measured, and every figure there carries its spread and provenance.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResults, withTables } from '../../scripts/bench-readme.ts';

const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');

describe("README's benchmark tables", () => {
  it('are exactly what bench/results.json renders to', () => {
    expect(readme).toBe(withTables(readme, readResults()));
  });

  it('come from full runs of at least 5, each with its commit and machine', () => {
    const results = readResults();
    for (const [name, section] of Object.entries(results)) {
      expect(section.provenance.short, name).toBe(false);
      // The exceptions, stated in README: the CLI's memory and the 10,000-chat backfill are single runs.
      if (name !== 'backfillCli') expect(section.runs, name).toBeGreaterThanOrEqual(5);
      expect(section.provenance.commit, name).toMatch(/^[0-9a-f]{12}$/);
      expect(Object.keys(section.provenance.machine), name).toEqual([
        'cores',
        'cpu',
        'memoryGiB',
        'node',
        'postgres',
      ]);
    }
  });
});
