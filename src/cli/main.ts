// Entry point of the `cx-salesforce` bin: runs the CLI with the process's arguments and streams.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { runCli } from './run.ts';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: (path) => readFile(path, 'utf8'),
  readLines: (path) => createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity }),
  progress: process.stderr.isTTY ? process.stderr : undefined,
});
