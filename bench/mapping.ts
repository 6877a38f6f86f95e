// Benchmark of the mapping pipeline: compile time of the default mappings (uncached) and plans per second.
// Run: npm run bench:mapping
import { readFileSync } from 'node:fs';
import { type CxEvent, loadMapping, lookupsFor, planEvent } from '../src/mapping/index.ts';

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

let salt = 0;
for (const { name, text } of texts) {
  // A new comment each run changes the content hash, so the cache never answers.
  const first = performance.now();
  loadMapping(`${text}\n# ${salt++}`, `${name}.yaml`);
  const cold = performance.now() - first;
  const { msPerRun } = time(() => loadMapping(`${text}\n# ${salt++}`, `${name}.yaml`));
  const cached = time(() => loadMapping(text, `${name}.yaml`));
  console.log(
    `compile ${name}.yaml: first ${cold.toFixed(1)} ms, then ${msPerRun.toFixed(2)} ms each; cached ${(cached.msPerRun * 1000).toFixed(1)} µs`,
  );
}

for (const { name, text } of texts) {
  const { mapping } = loadMapping(text, `${name}.yaml`);
  if (!mapping) throw new Error(`${name}.yaml does not compile`);
  const plans = time(() => planEvent(mapping, event, lookups));
  const both = time(() => {
    lookupsFor(mapping, event);
    planEvent(mapping, event, lookups);
  });
  console.log(
    `plan ${name}.yaml: ${Math.round(1000 / plans.msPerRun).toLocaleString('en')} plans/s; with lookupsFor ${Math.round(1000 / both.msPerRun).toLocaleString('en')}/s`,
  );
}
