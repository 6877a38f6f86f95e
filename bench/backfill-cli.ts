// The backfill CLI at scale: the real bin, in its own process, under GNU time (peak RSS). It checks a file of LINES
// chats (--dry-run: the whole file streamed and parsed) and sends one of SEND chats to the service over HTTP
// (--no-wait, the service's workers off). The same peak memory for both sizes shows it streams in constant memory.
// Usage: npm run bench:backfill-cli [-- --short] [-- --lines 1000000] [-- --send 20000] [-- --out file.json]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApiKey } from '../src/auth/api-keys.ts';
import { startBenchOrg, table } from './harness.ts';
import { argNumber, printProvenance, provenance, saveSection } from './results.ts';
import { AGENT, addAgent, newVisitorChat } from './workloads.ts';

const short = process.argv.includes('--short');
const LINES = argNumber('lines', short ? 20_000 : 1_000_000);
const SEND = argNumber('send', short ? 1_000 : 20_000);
const root = path.resolve(import.meta.dirname, '..');

async function writeFile(file: string, lines: number): Promise<void> {
  const out = createWriteStream(file);
  for (let n = 0; n < lines; n++) {
    if (!out.write(`${JSON.stringify({ ...newVisitorChat('cli', n), agent: AGENT })}\n`))
      await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Runs the bin under GNU time; returns its exit status, last line of output, peak RSS in MiB and seconds. */
async function runCli(args: string[]) {
  const started = performance.now();
  const child = spawn(
    '/usr/bin/time',
    ['-f', 'maxrss-kib %M', process.execPath, '--import', 'tsx', 'src/cli/main.ts', 'backfill', ...args],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout = (stdout + chunk.toString()).slice(-10_000);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-10_000);
  });
  const [status] = (await once(child, 'exit')) as [number];
  const rss = /maxrss-kib (\d+)/.exec(stderr);
  if (!rss) throw new Error(`no peak RSS reported: ${stderr}`);
  return {
    status,
    last: stdout.trim().split('\n').at(-1) ?? '',
    peakRssMiB: Math.round(Number(rss[1]) / 1024),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

const about = await provenance(short);
printProvenance(about);
const dir = mkdtempSync(path.join(tmpdir(), 'cxsf-backfill-cli-'));
// The workers are off: this measures the CLI and the service's intake, not the sync (bench:backfill does).
const org = await startBenchOrg({ sync: { work: false } });
const server = createServer(org.app.yoga);
try {
  await addAgent(org);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const { key } = await createApiKey(org.app.db.prisma, {
    tenantId: org.tenantId,
    role: 'INTEGRATION',
    name: 'cli',
  });
  const service = ['--url', `http://127.0.0.1:${port}/graphql`, '--key', key];
  const rows: Array<Record<string, string | number>> = [];
  const sizes = [...new Set([SEND, LINES])].sort((a, b) => a - b);
  for (const lines of sizes) {
    const file = path.join(dir, `history-${lines}.ndjson`);
    await writeFile(file, lines);
    const check = await runCli([file, '--dry-run']);
    if (check.status !== 0 || !check.last.includes(`${lines} chats, 0 bad lines`))
      throw new Error(`dry run of ${lines} lines: exit ${check.status}, ${check.last}`);
    rows.push({
      run: 'check the file (--dry-run)',
      lines,
      'file MiB': Math.round(statSync(file).size / 2 ** 20),
      'peak RSS MiB': check.peakRssMiB,
      seconds: check.seconds,
      'lines/s': Math.round(lines / check.seconds),
    });
    if (lines !== SEND) continue;
    const send = await runCli([file, ...service, '--batch', '1000', '--no-wait']);
    const recorded = await org.app.db.prisma.syncRecord.count({ where: { tenantId: org.tenantId } });
    if (send.status !== 0 || recorded !== lines)
      throw new Error(`send of ${lines} lines: exit ${send.status}, ${recorded} recorded; ${send.last}`);
    rows.push({
      run: 'send to the service (--no-wait)',
      lines,
      'file MiB': Math.round(statSync(file).size / 2 ** 20),
      'peak RSS MiB': send.peakRssMiB,
      seconds: send.seconds,
      'lines/s': Math.round(lines / send.seconds),
    });
    rmSync(file);
  }
  table('cx-salesforce backfill: peak memory of the CLI process by file size', rows);
  const written = saveSection('backfillCli', { provenance: about, runs: 1, rows });
  if (written) console.log(`\nresults written to ${written}`);
} finally {
  server.close();
  await org.close();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(process.exitCode ?? 0);
