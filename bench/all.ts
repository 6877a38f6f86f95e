// Runs every benchmark in turn and prints their tables: npm run bench [-- --short]. The full form writes
// bench/results.json; then `npm run bench:readme` regenerates README's tables from it.
import { spawnSync } from 'node:child_process';

const short = process.argv.includes('--short');
const benches: Array<[string, string[]]> = [
  ['mapping.ts', []],
  ['calls.ts', short ? ['--short'] : []],
  ['backfill.ts', short ? ['--short'] : []],
  ['backfill-cli.ts', short ? ['--short'] : []],
  ['throughput.ts', short ? ['--short'] : []],
  ['console.ts', short ? ['--short'] : []],
];
let failed = 0;
for (const [file, args] of benches) {
  console.log(`\n== bench/${file} ${args.join(' ')}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', `bench/${file}`, ...args], {
    stdio: 'inherit',
  });
  if (run.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
