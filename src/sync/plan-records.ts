// Prepare -> read -> plan, for the worker and for planChat's dry run alike, so a dry run plans what the sync
// would: fold each chat's events, take what the ledger knows (and skip reading what this very visitor data wrote),
// read the org through the one read path (the owner from its cache), plan, and look for writes a crash lost.
import type { Connection } from 'jsforce';
import type { Prisma } from '../db/open.ts';
import type { CxEvent } from '../mapping/event.ts';
import {
  type DmlPlan,
  type LookupRequest,
  type LookupResults,
  lookupsFor,
  type ManualAction,
  planEvent,
} from '../mapping/index.ts';
import { createReadLoader, type SalesforceRecord } from '../salesforce/read-path/index.ts';
import { cloudcxTenantId } from './cloudcx-tenant-id.ts';
import { foldEvents } from './fold-events.ts';
import {
  ACTION_PREFIX,
  eventsOf,
  knownIds,
  loadVisitorLinks,
  type OpenRecord,
  pendingAction,
  visitorSeen,
} from './ledger.ts';
import type { ActiveMapping } from './mapping-versions.ts';
import type { OwnerCache } from './owner-cache.ts';
import { recoverLostWrites } from './recover.ts';

export interface Session {
  tenantId: string;
  conn: Connection;
  userId: string;
}

export interface PlanDeps {
  prisma: Prisma;
  owners: OwnerCache;
}

/** A read the plan needed, with the rows the org answered or the error it gave. */
export interface ReadDone {
  request: LookupRequest;
  rows: SalesforceRecord[] | null;
  error: Error | null;
}

export interface Planned {
  record: OpenRecord;
  event: CxEvent;
  lookups: LookupResults;
  plan: DmlPlan;
  reads: ReadDone[];
  /** The agent's action this plan carries out, if any. */
  action?: ManualAction;
  /** Events of further actions, planned in the next pass. */
  leaveOpen: string[];
  /** Objects whose updates the API budget holds back. */
  held?: string[];
}

/**
 * Plans the records with one round of reads. A dry run (`session` null: not connected) reads nothing; with
 * `dryRun`, lost-write recovery reads but adopts nothing in the ledger.
 */
export async function planRecords(
  deps: PlanDeps,
  session: Session | null,
  mapping: Pick<ActiveMapping, 'compiled'>,
  records: OpenRecord[],
  options: { dryRun?: boolean } = {},
): Promise<Planned[]> {
  const { prisma, owners } = deps;
  const tenantId = records[0]!.tenantId;
  const [tenantKey, linksOf] = await Promise.all([
    cloudcxTenantId(prisma, tenantId),
    loadVisitorLinks(prisma, records),
  ]);
  const prepared = records.map((record) => {
    const event = { ...foldEvents(eventsOf(record)), cloudcxTenantId: tenantKey };
    const { known, unchanged } = knownIds(
      record,
      visitorSeen(event, mapping.compiled.version),
      linksOf(record),
    );
    // A record we wrote from this very visitor data has nothing new to take: skip reading it. And once this chat's
    // Task or Case exists and the visitor is unchanged, searching again (e.g. for an Account) finds what the
    // first search found: only the chat's own record needs writing.
    const settled = (known.taskId || known.caseId) && unchanged.size > 0;
    // In manual mode a chat no agent acted on writes nothing, so it needs no read either.
    const idle = mapping.compiled.mode === 'manual' && !actionOf(mapping, record).action;
    const requests = (idle ? [] : lookupsFor(mapping.compiled, event, known)).filter(
      (request) =>
        !(request.rule === 'known' && unchanged.has(request.object)) &&
        !(settled && request.purpose === 'identify' && request.rule !== 'known'),
    );
    return { record, event, known, requests };
  });
  // Every read of the round is asked for in one synchronous pass, so the loader sends them together.
  const loader = session ? createReadLoader(session.conn) : undefined;
  const answered = prepared.map(({ record, event, known, requests }) => {
    const agentEmail = event.agent?.email?.trim();
    const reads = requests.map(async (request): Promise<ReadDone> => {
      if (!loader) return { request, rows: null, error: null };
      if (request.purpose === 'owner' && agentEmail) {
        const cached = owners.get(tenantId, agentEmail);
        if (cached !== undefined) return { request, rows: cached ? [{ Id: cached }] : [], error: null };
      }
      try {
        const rows = await loader.load(request.read);
        if (request.purpose === 'owner' && agentEmail)
          owners.set(tenantId, agentEmail, (rows[0]?.Id as string | undefined) ?? null);
        return { request, rows, error: null };
      } catch (error) {
        return { request, rows: null, error: error as Error };
      }
    });
    return Promise.all(reads).then((done) => ({ record, event, known, reads: done }));
  });
  const read = await Promise.all(answered);
  // The worker's chats fail together on a failed read (failAll); a dry run shows the error beside the read.
  const failed = read.flatMap((r) => r.reads).find((r) => r.error);
  if (failed?.error && !options.dryRun) throw failed.error;
  const planned = read.map(({ record, event, known, reads }) => {
    const rows = new Map(reads.map((r) => [r.request.key, r.rows ?? []]));
    const lookups: LookupResults = {
      records: Object.fromEntries(rows),
      ownerUserId: (rows.get('owner')?.[0]?.Id as string | undefined) ?? null,
      connectingUserId: session?.userId ?? '(connecting user)',
      known,
    };
    const { action, leaveOpen } = actionOf(mapping, record);
    const plan = planEvent(mapping.compiled, event, lookups, { action });
    return { record, event, lookups, plan, reads, action, leaveOpen };
  });
  if (!session) return planned;
  return recoverLostWrites(prisma, session.conn, mapping, planned, { adopt: !options.dryRun });
}

/** What to plan for a chat: the first action an agent asked for; in manual mode, a chat whose Task or Case an agent
 *  made is kept up to date by planning that action again; otherwise the chat's events, as the mapping says. */
export function actionOf(
  mapping: Pick<ActiveMapping, 'compiled'>,
  record: OpenRecord,
): { action?: ManualAction; leaveOpen: string[] } {
  const pending = pendingAction(record);
  const leaveOpen = record.events
    .filter((e) => e.kind.startsWith(ACTION_PREFIX) && !e.appliedAt && e.id !== pending?.eventId)
    .map((e) => e.id);
  if (pending) return { action: pending.action, leaveOpen };
  if (mapping.compiled.mode === 'manual') {
    const roles = new Set(record.objects.map((o) => o.role));
    if (roles.has('task')) return { action: 'createTask', leaveOpen };
    if (roles.has('case')) return { action: 'createCase', leaveOpen };
  }
  return { leaveOpen };
}
