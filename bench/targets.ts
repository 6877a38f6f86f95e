// The product's Salesforce API call targets. The benches exit non-zero when one is missed; test/bench/targets.test.ts
// and the sync tests enforce the same numbers in `npm test`.
export const TARGETS = {
  /** A new visitor's chat (Lead or Contact, Task or Case, attachments included). */
  newVisitorCalls: 2,
  /** A returning visitor's chat. */
  returningVisitorCalls: 1,
  /** What separate start and end events may add to the calls of the whole chat at once. */
  splitEventsExtraCalls: 1,
  /** 200 new visitors' chats at the same moment, per chat, in the worst of 5 runs: 2 calls (the reads' composite,
   *  then Leads and Tasks in one composite), below careful bulk's 3 (reads, Leads, Tasks). */
  burstCallsPerChat: 0.01,
  /** A backfill of 1,000 chats of 1,000 new visitors, in total. */
  backfill1000Calls: 20,
  /** 200 concurrent console lookups, in total. */
  console200Calls: 2,
} as const;

export interface TargetCheck {
  target: string;
  measured: number;
  limit: number;
}

/** Prints every check; a missed one sets the exit code to 1. Returns whether all were met. */
export function reportTargets(checks: TargetCheck[]): boolean {
  let met = true;
  console.log('\nTargets');
  for (const check of checks) {
    const ok = check.measured <= check.limit;
    met &&= ok;
    console.log(`  ${ok ? 'met   ' : 'MISSED'}  ${check.target}: ${check.measured} (limit ${check.limit})`);
  }
  if (!met) process.exitCode = 1;
  return met;
}
