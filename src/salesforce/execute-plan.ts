// Writes the plans of one round: a few chats go as composite subrequests with references between their steps (a
// new visitor's Lead, Task and files in one call); many chats go level by level in sObject Collections, the levels
// of one composite referring to each other (200 new visitors' Leads and Tasks in one call). Whichever takes fewer.
import type { Connection } from 'jsforce';
import { executeInCollections } from './collections.ts';
import { executeInComposites, MAX_SUBREQUESTS_PER_COMPOSITE } from './composite.ts';
import type { StepOutcome, TaggedStep } from './step-outcome.ts';

export type { StepOutcome, TaggedStep } from './step-outcome.ts';

/** `beforeSend` runs before each request leaves: a plan may take several requests (levels, chunks), and whoever
 *  recovers from a crash needs to know when the last one was sent. */
export async function executeSteps(
  conn: Connection,
  groups: TaggedStep[][],
  beforeSend: () => Promise<void> = async () => {},
): Promise<Map<string, StepOutcome[]>> {
  const steps = groups.reduce((sum, group) => sum + group.length, 0);
  return steps <= MAX_SUBREQUESTS_PER_COMPOSITE
    ? executeInComposites(conn, groups, beforeSend)
    : executeInCollections(conn, groups, beforeSend);
}
