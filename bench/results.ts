// What a bench measured, with its spread and provenance, kept in bench/results.json (committed): README's tables are
// generated from that file (scripts/bench-readme.ts), so they cannot drift from what was measured.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ADMIN_URL } from '../test/support/postgres.ts';

export const RESULTS_FILE = path.resolve(import.meta.dirname, 'results.json');

/** A figure over several runs: the median and the range, and every run as measured. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function spread(runs: number[]): Spread {
  if (runs.length === 0) throw new Error('no runs');
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median: round(median), min: round(sorted[0]!), max: round(sorted.at(-1)!), runs: runs.map(round) };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** "3 (3–5)": the median, then the range when the runs differ. */
export function formatSpread(s: Spread, digits = 0): string {
  const f = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
  return s.min === s.max ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

export interface Provenance {
  commit: string;
  date: string;
  machine: { cores: number; cpu: string; memoryGiB: number; node: string; postgres: string };
  short: boolean;
  /** The machine's 1-minute load average when the bench started: other work on it slows every timing. */
  loadAverage?: number;
}

export async function provenance(short: boolean): Promise<Provenance> {
  // BENCH_COMMIT: set when the benches run from an exported copy of a commit (no git there).
  let commit = process.env.BENCH_COMMIT ?? 'unknown';
  if (!process.env.BENCH_COMMIT)
    try {
      commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
      // The results file itself is what the benches write: an earlier bench of the same run changes it.
      const dirty = execFileSync(
        'git',
        ['status', '--porcelain', '--untracked-files=no', '--', '.', ':!bench/results.json'],
        { encoding: 'utf8' },
      );
      if (dirty.trim()) commit += '+changes';
    } catch {}
  let postgres = 'PGlite';
  if (process.env.BENCH_EMBEDDED !== '1') {
    const client = new pg.Client({ connectionString: ADMIN_URL });
    await client.connect();
    postgres = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!
      .server_version;
    await client.end();
  }
  return {
    commit,
    date: new Date().toISOString(),
    machine: {
      cores: os.cpus().length,
      cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      postgres,
    },
    short,
    loadAverage: Math.round(os.loadavg()[0]! * 10) / 10,
  };
}

export function printProvenance(p: Provenance): void {
  const m = p.machine;
  console.log(
    `commit ${p.commit}, ${p.date}; ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}, ` +
      `PostgreSQL ${m.postgres}; load average ${p.loadAverage}`,
  );
}

/**
 * Stores one bench's section. The full form writes bench/results.json; `--out <file>` writes elsewhere (the smoke
 * tests), and a short run without `--out` writes nothing, so quick runs never replace the published figures.
 */
export function saveSection(name: string, section: object): string | undefined {
  const file = outputFile();
  if (!file) return undefined;
  const all = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  all[name] = section;
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
  return file;
}

/** A section as the file `saveSection` writes to holds it (undefined when there is none). */
export function readSection(name: string): unknown {
  const file = outputFile();
  if (!file || !existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)[name];
}

function outputFile(): string | undefined {
  const i = process.argv.indexOf('--out');
  return i > 0
    ? path.resolve(process.argv[i + 1]!)
    : process.argv.includes('--short')
      ? undefined
      : RESULTS_FILE;
}

/** The value after `--name` on the command line, or undefined. */
export function argString(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : String(process.argv[i + 1]);
}

export function argNumber(name: string, fallback: number): number {
  const given = argString(name);
  if (given === undefined) return fallback;
  const value = Number(given);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}
