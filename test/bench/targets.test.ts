// The Salesforce API call targets of bulk work, at their full size, so that CI fails when one is missed: 200 new
// visitors at once (worst of 5 runs), a backfill of 1,000 chats, 200 concurrent console lookups. (The per-chat
// targets are enforced by test/sync/record-sales.test.ts and record-support.test.ts.)
import { describe, expect, it } from 'vitest';
import { startBenchOrg } from '../../bench/harness.ts';
import { TARGETS } from '../../bench/targets.ts';
import {
  addAgent,
  consoleVisitors,
  productBackfill,
  productBurst,
  productLookups,
} from '../../bench/workloads.ts';
import { createApiKey } from '../../src/auth/api-keys.ts';

describe('API call targets of bulk work', () => {
  it(`200 new visitors at once: at most ${TARGETS.burstCallsPerChat} calls per chat (fewer than careful bulk's 3 calls) in the worst of 5 runs, each on a fresh org`, async () => {
    const calls: number[] = [];
    for (let run = 0; run < 5; run++) {
      const org = await startBenchOrg();
      try {
        await addAgent(org);
        calls.push((await productBurst(org, `burst${run}`, 200)).calls);
      } finally {
        await org.close();
      }
    }
    expect(Math.max(...calls) / 200, `calls of each run: ${calls.join(', ')}`).toBeLessThanOrEqual(
      TARGETS.burstCallsPerChat,
    );
  }, 300_000);

  it('a backfill of 1,000 chats of new visitors: at most 20 calls', async () => {
    const org = await startBenchOrg();
    try {
      await addAgent(org);
      expect((await productBackfill(org, 'history', 1000)).calls).toBeLessThanOrEqual(
        TARGETS.backfill1000Calls,
      );
    } finally {
      await org.close();
    }
  }, 180_000);

  it('200 concurrent console lookups: at most 2 calls, every Lead found', async () => {
    const org = await startBenchOrg();
    try {
      const { key } = await createApiKey(org.app.db.prisma, {
        tenantId: org.tenantId,
        role: 'AGENT',
        name: 'a',
      });
      const { visitors, expectedMatches } = await consoleVisitors(org, 'console', 200);
      const measured = await productLookups(org, key, visitors);
      expect(measured.matched).toBe(expectedMatches);
      expect(measured.calls).toBeLessThanOrEqual(TARGETS.console200Calls);
    } finally {
      await org.close();
    }
  }, 60_000);
});
