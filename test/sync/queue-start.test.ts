// Two instances starting at once on a fresh database (a deploy of two replicas) race to install pg-boss's schema and
// queue; PostgreSQL ends the race with "deadlock detected" for one of them. Both must start.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.ts';
import { createLogger } from '../../src/log.ts';
import { startQueue } from '../../src/sync/queue.ts';
import { createTestDatabase } from '../support/postgres.ts';

it('starts the job queue of two instances started at once on a fresh database', async () => {
  const log = createLogger('silent');
  for (let round = 0; round < 3; round++) {
    const database = await createTestDatabase();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cxsf-queue-start-'));
    const dbs = await Promise.all([0, 1].map(() => openDatabase({ databaseUrl: database.url, dataDir })));
    try {
      const started = await Promise.allSettled(dbs.map((db) => startQueue(db, log, 3)));
      for (const result of started)
        if (result.status === 'fulfilled') await result.value.stop({ graceful: false });
      expect(
        started.map((result) => (result.status === 'rejected' ? String(result.reason) : 'started')),
      ).toEqual(['started', 'started']);
    } finally {
      for (const db of dbs) await db.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
});
