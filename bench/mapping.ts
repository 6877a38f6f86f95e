// Benchmark of the mapping pipeline: compile time of the default mappings (uncached) and plans per second.
// Median and range over RUNS runs. Run: npm run bench:mapping [-- --runs 5] [-- --out file.json]
import { readFileSync } from 'node:fs';
import { type CxEvent, loadMapping, planEvent } from '../src/mapping/index.ts';
import {
  argNumber,
  formatSpread,
  printProvenance,
  provenance,
  type Spread,
  saveSection,
  spread,
} from './results.ts';

const root = new URL('../', import.meta.url);
const texts = (['sales', 'support'] as const).map((name) => ({
  name,
  text: readFileSync(new URL(`mappings/defaults/${name}.yaml`, root), 'utf8'),
}));
const event = JSON.parse(
  readFileSync(new URL('mappings/examples/chat-ended.event.json', root), 'utf8'),
) as CxEvent;
const lookups = JSON.parse(readFileSync(new URL('mappings/examples/lookups.json', root), 'utf8'));

function time(fn: () => void, minMs = 1000): { runs: number; msPerRun: number } {
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    fn();
    runs++;
  }
  return { runs, msPerRun: (performance.now() - start) / runs };
}

const RUNS = argNumber('runs', 5);
const about = await provenance(process.argv.includes('--short'));
printProvenance(about);
const sections: Record<string, { compileMs: Spread; plansPerSecond: Spread }> = {};
let salt = 0;
for (const { name, text } of texts) {
  const { mapping } = loadMapping(text, `${name}.yaml`);
  if (!mapping) throw new Error(`${name}.yaml does not compile`);
  const compile: number[] = [];
  const plans: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    // A new comment each time changes the content hash, so the cache never answers.
    compile.push(time(() => loadMapping(`${text}\n# ${salt++}`, `${name}.yaml`), 300).msPerRun);
    plans.push(Math.round(1000 / time(() => planEvent(mapping, event, lookups), 300).msPerRun));
  }
  sections[name] = { compileMs: spread(compile), plansPerSecond: spread(plans) };
  console.log(
    `${name}.yaml: compile ${formatSpread(sections[name].compileMs, 2)} ms; ` +
      `plan ${formatSpread(sections[name].plansPerSecond)} plans/s (median (min–max) of ${RUNS} runs)`,
  );
}
const written = saveSection('mapping', { provenance: about, runs: RUNS, ...sections });
if (written) console.log(`\nresults written to ${written}`);
