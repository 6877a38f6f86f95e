// Backfill: CHATS historical chats of as many new visitors through `backfillChats`, the Salesforce calls they cost in
// total and the time until every one is synced, next to the baselines of bench/baselines.ts (naive and careful with
// a pool of 10, careful bulk) run against the same sandbox in the same run; median and range over RUNS runs, each on
// a fresh org. `--scale 10000` adds a larger backfill (product and careful bulk only) over SCALE_RUNS runs.
// Usage: npm run bench:backfill [-- --short] [-- --runs 5] [-- --scale 10000] [-- --scale-runs 1] [-- --out file]
import { startBenchOrg, table } from './harness.ts';
import {
  argNumber,
  formatSpread,
  type Provenance,
  printProvenance,
  provenance,
  readSection,
  saveSection,
  spread,
} from './results.ts';
import { reportTargets, TARGETS } from './targets.ts';
import { addAgent, baselineChats, productBackfill, SCRIPTS, type Script } from './workloads.ts';

const short = process.argv.includes('--short');
const CHATS = argNumber('chats', short ? 100 : 1_000);
const RUNS = argNumber('runs', short ? 1 : 5);
const SCALE = process.argv.includes('--scale') ? argNumber('scale', 10_000) : 0;
const SCALE_RUNS = argNumber('scale-runs', 1);

type Figures = Record<string, { calls: number[]; seconds: number[] }>;

async function run(chats: number, runs: number, scripts: Script[]): Promise<Figures> {
  const figures: Figures = Object.fromEntries(scripts.map((s) => [s, { calls: [], seconds: [] }]));
  for (let n = 0; n < runs; n++) {
    const org = await startBenchOrg();
    await addAgent(org);
    try {
      for (const script of scripts) {
        const prefix = `history${n}${script}`;
        const measured =
          script === 'product'
            ? await productBackfill(org, prefix, chats)
            : await baselineChats(org, script, prefix, chats, false);
        figures[script]!.calls.push(measured.calls);
        figures[script]!.seconds.push(measured.seconds);
      }
    } finally {
      await org.close();
    }
  }
  return figures;
}

const summarize = (figures: Figures) =>
  Object.fromEntries(
    Object.entries(figures).map(([script, f]) => [
      script,
      { calls: spread(f.calls), seconds: spread(f.seconds) },
    ]),
  );

const print = (title: string, summary: ReturnType<typeof summarize>) =>
  table(
    title,
    Object.entries(summary).map(([script, f]) => ({
      script,
      'calls in total': formatSpread(f.calls),
      seconds: formatSpread(f.seconds, 2),
    })),
  );

const about = await provenance(short);
printProvenance(about);
const main = summarize(await run(CHATS, RUNS, SCRIPTS));
print(
  `Backfill of ${CHATS} historical chats of ${CHATS} new visitors (median (min–max) of ${RUNS} runs)`,
  main,
);
let scale: ReturnType<typeof summarize> | undefined;
if (SCALE) {
  scale = summarize(await run(SCALE, SCALE_RUNS, ['product', 'carefulBulk']));
  print(`Backfill of ${SCALE} chats (median (min–max) of ${SCALE_RUNS} runs)`, scale);
}
// Without --scale, the last scale run is kept, with the commit and machine it was measured on.
const earlier = readSection('backfill') as
  | { provenance: Provenance; scale?: { provenance?: Provenance } }
  | undefined;
const keptScale = earlier?.scale && {
  ...earlier.scale,
  provenance: earlier.scale.provenance ?? earlier.provenance,
};
const met =
  CHATS !== 1000 ||
  reportTargets([
    {
      target: `backfill of 1,000 chats, calls (worst of ${RUNS})`,
      measured: main.product!.calls.max,
      limit: TARGETS.backfill1000Calls,
    },
  ]);
const written = saveSection('backfill', {
  provenance: about,
  runs: RUNS,
  chats: CHATS,
  ...main,
  ...(scale
    ? { scale: { chats: SCALE, runs: SCALE_RUNS, provenance: about, ...scale } }
    : keptScale
      ? { scale: keptScale }
      : {}),
  targetsMet: met,
});
if (written) console.log(`\nresults written to ${written}`);
process.exit(process.exitCode ?? 0);
