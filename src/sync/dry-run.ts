// planChat's dry run: the chat (or conversation) as the worker would load it once this event arrived, planned by the
// worker's own prepare -> read -> plan (plan-records.ts). Reads run against the org; nothing is written, not even to
// the ledger.

import {
  asConnectionUnavailable,
  ConnectionUnavailableError,
  type SalesforceConnections,
} from '../connections/tenant-connections.ts';
import type { Prisma } from '../db/open.ts';
import type { CompiledMapping } from '../mapping/compile.ts';
import type { CxEvent } from '../mapping/event.ts';
import type { ManualAction } from '../mapping/plan.ts';
import { splitAttachments } from './attachments.ts';
import { ACTION_PREFIX, type OpenRecord } from './ledger.ts';
import type { OwnerCache } from './owner-cache.ts';
import { type Planned, planRecords, type Session } from './plan-records.ts';
import { normalizeVisitorKey } from './visitor-key.ts';

export interface DryRunInput {
  tenantId: string;
  sourceKind: 'CHAT' | 'CONVERSATION';
  event: CxEvent;
  /** An agent's action to plan as well (manual mode). */
  action?: ManualAction;
  mapping: CompiledMapping;
}

export async function dryRun(
  deps: { prisma: Prisma; owners: OwnerCache; connections: SalesforceConnections },
  input: DryRunInput,
): Promise<{ planned: Planned; connected: boolean }> {
  const record = await recordWith(deps.prisma, input);
  const mapping = { compiled: input.mapping };
  let session: Session | null = null;
  try {
    session = { tenantId: input.tenantId, ...(await deps.connections.forTenant(input.tenantId)) };
  } catch (error) {
    if (!(error instanceof ConnectionUnavailableError)) throw error;
  }
  if (session) {
    const [planned] = await planRecords(deps, session, mapping, [record], { dryRun: true });
    // The org turned the session away: plan as if nothing were found, as without a connection.
    if (!planned!.reads.some((r) => asConnectionUnavailable(r.error)))
      return { planned: planned!, connected: true };
  }
  const [planned] = await planRecords(deps, null, mapping, [record], { dryRun: true });
  return { planned: planned!, connected: false };
}

/** The record as the worker would load it: its stored events and objects, and this event (and action) not applied. */
async function recordWith(prisma: Prisma, input: DryRunInput): Promise<OpenRecord> {
  const { tenantId, sourceKind, event, action } = input;
  const stored = await prisma.syncRecord.findFirst({
    where: { tenantId, sourceKind, sourceId: event.id },
    include: { events: { orderBy: { receivedAt: 'asc' } }, objects: true },
  });
  const now = new Date();
  const id = stored?.id ?? 'dry-run';
  const unapplied = (kind: string, payload: unknown) => ({
    id: `dry-run:${kind}`,
    syncRecordId: id,
    kind,
    dedupeKey: `dry-run:${kind}`,
    // As ingest stores it: files apart, referenced by name.
    payload: payload as never,
    receivedAt: now,
    appliedAt: null,
  });
  const events = [
    unapplied(event.kind, splitAttachments(event).stored),
    ...(action ? [unapplied(`${ACTION_PREFIX}${action}`, { action, actor: 'dry-run' })] : []),
  ];
  if (stored) return { ...stored, events: [...stored.events, ...events] };
  return {
    id,
    tenantId,
    sourceKind,
    sourceId: event.id,
    status: 'PENDING',
    visitorKey: normalizeVisitorKey(event.visitor),
    visitorName: event.visitor.name ?? null,
    visitorEmail: event.visitor.email ?? null,
    visitorPhone: event.visitor.phone ?? null,
    mappingVersionId: null,
    attempts: 0,
    lastError: null,
    lastErrorCode: null,
    candidates: null,
    nextAttemptAt: null,
    inflightAt: null,
    syncedAt: null,
    createdAt: now,
    updatedAt: now,
    events,
    objects: [],
  };
}
