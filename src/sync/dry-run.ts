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
import { dedupeKeyOf } from './ingest.ts';
import { ACTION_PREFIX, type OpenRecord } from './ledger.ts';
import type { OwnerCache } from './owner-cache.ts';
import { type Planned, planRecords, type Session } from './plan-records.ts';
import { SETTLED_STATUSES } from './state.ts';
import { normalizeVisitorKey } from './visitor-key.ts';

export interface DryRunInput {
  tenantId: string;
  sourceKind: 'CHAT' | 'CONVERSATION';
  event: CxEvent;
  /** CloudCX's id of the event, if given: a repeat of a stored event adds nothing, as in ingest. */
  eventId?: string | null;
  /** An agent's action to plan as well (manual mode). */
  action?: ManualAction;
  mapping: CompiledMapping;
}

export async function dryRun(
  deps: { prisma: Prisma; owners: OwnerCache; connections: SalesforceConnections },
  input: DryRunInput,
): Promise<{ planned: Planned; connected: boolean }> {
  const { record, repeat } = await recordWith(deps.prisma, input);
  // A repeat of a stored event wakes no worker once the chat is settled: the sync would write nothing.
  const idle = repeat && SETTLED_STATUSES.includes(record.status);
  const result = await planWith(deps, input, record);
  if (!idle) return result;
  return { ...result, planned: { ...result.planned, plan: { ...result.planned.plan, steps: [] } } };
}

async function planWith(
  deps: { prisma: Prisma; owners: OwnerCache; connections: SalesforceConnections },
  input: DryRunInput,
  record: OpenRecord,
): Promise<{ planned: Planned; connected: boolean }> {
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
async function recordWith(
  prisma: Prisma,
  input: DryRunInput,
): Promise<{ record: OpenRecord; repeat: boolean }> {
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
  // A repeat of an event the chat already holds is dropped by ingest: the dry run plans without it too.
  const repeat = stored?.events.some((e) => e.dedupeKey === dedupeKeyOf(event, input.eventId)) ?? false;
  const events = [
    ...(repeat ? [] : [unapplied(event.kind, splitAttachments(event).stored)]),
    ...(action ? [unapplied(`${ACTION_PREFIX}${action}`, { action, actor: 'dry-run' })] : []),
  ];
  if (stored) return { record: { ...stored, events: [...stored.events, ...events] }, repeat };
  const created: OpenRecord = {
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
  return { record: created, repeat };
}
