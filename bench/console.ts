// The agent console's customer view: Salesforce API calls when AGENTS consoles each ask `salesforceCustomer` for a
// different visitor at the same moment, then ask again (served from the cache); next to the baselines of
// bench/baselines.ts (one query per rule, one composite per lookup, IN queries in one composite) run against the
// same sandbox in the same run. Median and range over RUNS runs, each on a fresh org.
// Usage: npm run bench:console [-- --short] [-- --agents 200] [-- --runs 5] [-- --out file.json]
import { createApiKey } from '../src/auth/api-keys.ts';
import { startBenchOrg, table } from './harness.ts';
import { argNumber, formatSpread, printProvenance, provenance, saveSection, spread } from './results.ts';
import { reportTargets, TARGETS } from './targets.ts';
import { baselineLookups, consoleVisitors, productLookups, SCRIPTS } from './workloads.ts';

const short = process.argv.includes('--short');
const AGENTS = argNumber('agents', short ? 20 : 200);
const RUNS = argNumber('runs', short ? 1 : 5);

const rows = ['product', 'product asked again', ...SCRIPTS.slice(1)] as const;
const figures = Object.fromEntries(rows.map((r) => [r, { calls: [] as number[], seconds: [] as number[] }]));

const about = await provenance(short);
printProvenance(about);
for (let run = 0; run < RUNS; run++) {
  const org = await startBenchOrg();
  try {
    const { key } = await createApiKey(org.app.db.prisma, {
      tenantId: org.tenantId,
      role: 'AGENT',
      name: 'agent',
    });
    const { visitors, expectedMatches } = await consoleVisitors(org, `console${run}`, AGENTS);
    for (const row of rows) {
      const measured =
        row === 'product' || row === 'product asked again'
          ? await productLookups(org, key, visitors)
          : await baselineLookups(org, row, visitors);
      if (measured.matched !== expectedMatches)
        throw new Error(`${row}: ${measured.matched} visitors matched, expected ${expectedMatches}`);
      figures[row]!.calls.push(measured.calls);
      figures[row]!.seconds.push(measured.seconds);
    }
  } finally {
    await org.close();
  }
}
const summary = Object.fromEntries(
  Object.entries(figures).map(([row, f]) => [row, { calls: spread(f.calls), seconds: spread(f.seconds) }]),
);
table(
  `${AGENTS} concurrent salesforceCustomer lookups of different visitors (median (min–max) of ${RUNS} runs)`,
  Object.entries(summary).map(([script, f]) => ({
    script,
    'calls in total': formatSpread(f.calls),
    'per lookup': formatSpread(spread(f.calls.runs.map((c) => c / AGENTS)), 3),
    seconds: formatSpread(f.seconds, 2),
  })),
);
const met =
  AGENTS !== 200 ||
  reportTargets([
    {
      target: `${AGENTS} concurrent console lookups, calls (worst of ${RUNS})`,
      measured: summary.product!.calls.max,
      limit: TARGETS.console200Calls,
    },
  ]);
const written = saveSection('console', {
  provenance: about,
  runs: RUNS,
  agents: AGENTS,
  ...summary,
  targetsMet: met,
});
if (written) console.log(`\nresults written to ${written}`);
process.exit(process.exitCode ?? 0);
