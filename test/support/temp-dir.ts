// Vitest global setup: every temporary file of a run (tests' data folders, Chromium's profiles, sandboxes' data
// files) goes under one folder, removed when the run ends, whatever the tests forgot or a failure left behind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(path.join(tmpdir(), 'cxsf-vitest-'));
  const previous = process.env.TMPDIR;
  // Workers are forked after this runs and inherit it; os.tmpdir() reads TMPDIR.
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(dir, { recursive: true, force: true });
  };
}
