// The agent console's customer view: the Lead, Contact or Account a visitor is in the tenant's org, with the fields the
// mapping shows in that section, the rule that found it and a link to open it. Every agent's console asks for every
// chat at once, so an ask goes
//   answer cache (30 s) -> the tenant's DataLoader, collecting a burst of asks (quiet-window.ts)
//   -> the sync's lookups (by Id for visitors CloudCX recorded before) through the one read path, merged into few
//      queries and phone searches, composites (read-visitors.ts) -> identify() per visitor, as the sync does.
import DataLoader from 'dataloader';
import {
  asConnectionUnavailable,
  ConnectionUnavailableError,
  type SalesforceConnections,
} from '../connections/tenant-connections.ts';
import type { Prisma } from '../db/open.ts';
import type { CompiledMapping, IdentifiedObject } from '../mapping/compile.ts';
import type { CxEvent, Section } from '../mapping/event.ts';
import { identify } from '../mapping/identify.ts';
import { identifyObjects, type LookupResults } from '../mapping/lookups.ts';
import { buildContext } from '../mapping/sources.ts';
import type { Services } from '../services.ts';
import { type ActiveMapping, activeMapping } from '../sync/mapping-versions.ts';
import { normalizeVisitorKey } from '../sync/visitor-key.ts';
import { AnswerCache } from './answer-cache.ts';
import { type QuietWindow, quietWindow } from './quiet-window.ts';
import { type KnownIds, knownFields, readVisitors } from './read-visitors.ts';

/** How long an answer is served again: a console's refresh, or another agent on the same visitor, costs nothing. */
export const ANSWER_TTL_MS = 30_000;
export const MAX_CACHED_ANSWERS = 10_000;
/**
 * A tenant's batch is sent once no ask arrived for this long... On a loaded host a burst of 50 consoles reaches the
 * loader over seconds with gaps of 20-200 ms between asks (each passes HTTP, authentication and a database read
 * first): a 25 ms gap split it into 8-11 composites, 100 ms keeps it to one or two (measured with three busy CPUs).
 */
export const BATCH_QUIET_MS = 100;
/** ...or this long after its first ask: the most a console waits for its batch, however long a burst trickles. */
export const BATCH_MAX_WAIT_MS = 1_000;

export type Visitor = CxEvent['visitor'];

export interface CustomerField {
  name: string;
  value: string | null;
}

export interface CustomerMatch {
  object: IdentifiedObject;
  id: string;
  /** The identification rule that found it, or `known` when CloudCX recorded this visitor to it. */
  rule: string;
  url: string;
  fields: CustomerField[];
}

export interface CustomerAnswer {
  connected: boolean;
  matches: CustomerMatch[];
  readAt: Date;
}

interface Ask {
  section: Section;
  visitor: Visitor;
  mapping: CompiledMapping;
}

const views = new WeakMap<Services, CustomerView>();

/** The view of one running service, made on first use. */
export function customerViewFor(services: Services, prisma: Prisma): CustomerView {
  let view = views.get(services);
  if (!view) {
    view = new CustomerView({ prisma, connections: services.connections });
    views.set(services, view);
  }
  return view;
}

export class CustomerView {
  readonly #answers = new AnswerCache<Promise<CustomerAnswer>>({
    ttlMs: ANSWER_TTL_MS,
    maxEntries: MAX_CACHED_ANSWERS,
  });
  /** One per tenant: a batch never mixes two tenants' visitors, connections or orgs. */
  readonly #loaders = new Map<string, { loader: DataLoader<Ask, CustomerAnswer>; window: QuietWindow }>();
  /** Reads of a tenant's active mapping under way: many consoles at once share one. */
  readonly #mappings = new Map<string, Promise<ActiveMapping>>();

  constructor(private readonly deps: { prisma: Prisma; connections: SalesforceConnections }) {}

  async find(tenantId: string, section: Section, visitor: Visitor): Promise<CustomerAnswer> {
    const clean = cleanVisitor(visitor);
    const { compiled: mapping } = await this.#activeMapping(tenantId);
    // The mapping's version is part of the key: a newly published mapping is never answered from the old one.
    const key = [tenantId, mapping.version, section, JSON.stringify(clean)].join('\u0000');
    const cached = this.#answers.get(key);
    if (cached) return cached;
    const { loader, window } = this.#loader(tenantId);
    const answer = loader.load({ section, visitor: clean, mapping });
    window.touch();
    this.#answers.set(key, answer);
    // Only answers read from the org are kept: "not connected" ends as soon as an admin connects.
    answer.then(
      (found) => {
        if (!found.connected) this.#answers.forget(key, answer);
      },
      () => this.#answers.forget(key, answer),
    );
    return answer;
  }

  #activeMapping(tenantId: string): Promise<ActiveMapping> {
    const pending = this.#mappings.get(tenantId);
    if (pending) return pending;
    const read = activeMapping(this.deps.prisma, tenantId).finally(() => this.#mappings.delete(tenantId));
    this.#mappings.set(tenantId, read);
    return read;
  }

  #loader(tenantId: string) {
    let entry = this.#loaders.get(tenantId);
    if (!entry) {
      const window = quietWindow({ quietMs: BATCH_QUIET_MS, maxWaitMs: BATCH_MAX_WAIT_MS });
      const loader = new DataLoader<Ask, CustomerAnswer>(
        (asks) => window.track(this.#answerAll(tenantId, asks)),
        {
          // The answer cache above keeps answers; a loader's own cache would keep them forever.
          cache: false,
          batchScheduleFn: window.schedule,
        },
      );
      entry = { loader, window };
      this.#loaders.set(tenantId, entry);
    }
    return entry;
  }

  async #answerAll(tenantId: string, asks: readonly Ask[]): Promise<Array<CustomerAnswer | Error>> {
    const readAt = new Date();
    const notConnected = () => asks.map(() => ({ connected: false, matches: [], readAt }));
    try {
      const session = await this.deps.connections.forTenant(tenantId);
      const known = await this.#knownIds(tenantId, asks);
      const events = asks.map((ask) => consoleEvent(tenantId, ask));
      const contexts = events.map(buildContext);
      const found = await readVisitors(
        session.conn,
        asks.map((ask, i) => ({ mapping: ask.mapping, event: events[i]!, known: known[i]! })),
      );
      return asks.map((ask, i) => {
        const result = found[i]!;
        if (result instanceof Error) return result;
        const matches = objectsShown(ask, events[i]!).flatMap((object) => {
          const lookups: LookupResults = {
            records: result.records,
            connectingUserId: session.userId,
            known: knownFields(result.known),
          };
          const match = identify(ask.mapping, object, contexts[i]!, lookups, []);
          if (!match) return [];
          const fields = (ask.mapping.display[ask.section][object] ?? []).map((name) => ({
            name,
            value: display(match.record?.[name]),
          }));
          const url = `${session.conn.instanceUrl}/lightning/r/${object}/${match.id}/view`;
          return [{ object, id: match.id, rule: match.rule, url, fields }];
        });
        return { connected: true, matches, readAt };
      });
    } catch (error) {
      if (error instanceof ConnectionUnavailableError || asConnectionUnavailable(error))
        return notConnected();
      throw error;
    }
  }

  /** The Lead, Contact and Account ids CloudCX recorded each visitor to (the sync's VisitorLink), in one read. */
  async #knownIds(tenantId: string, asks: readonly Ask[]): Promise<KnownIds[]> {
    const keys = asks.map((ask) => normalizeVisitorKey(ask.visitor));
    const wanted = [...new Set(keys.filter((key): key is string => key !== null))];
    const links = wanted.length
      ? await this.deps.prisma.visitorLink.findMany({
          where: { tenantId, visitorKey: { in: wanted } },
          select: { visitorKey: true, sobjectType: true, salesforceId: true },
        })
      : [];
    const byKey = new Map<string, KnownIds>();
    for (const link of links) {
      if (link.sobjectType !== 'Lead' && link.sobjectType !== 'Contact' && link.sobjectType !== 'Account')
        continue;
      const ids = byKey.get(link.visitorKey) ?? {};
      ids[link.sobjectType] = link.salesforceId;
      byKey.set(link.visitorKey, ids);
    }
    return keys.map((key) => ({ ...(key ? byKey.get(key) : undefined) }));
  }
}

/** Objects the section identifies, those with display fields first in the mapping's order. */
function objectsShown(ask: Ask, event: CxEvent): IdentifiedObject[] {
  const identified = identifyObjects(ask.mapping, event);
  const displayed = Object.keys(ask.mapping.display[ask.section]) as IdentifiedObject[];
  return [
    ...displayed.filter((object) => identified.includes(object)),
    ...identified.filter((object) => !displayed.includes(object)),
  ];
}

/** The event identification sees: the console knows the visitor and the section, nothing of a chat. */
function consoleEvent(tenantId: string, ask: Ask): CxEvent {
  return {
    kind: ask.section === 'webChat' ? 'chat.started' : 'conversation.started',
    id: 'console',
    tenantId,
    visitor: ask.visitor,
  };
}

/**
 * Trimmed, blank fields dropped, and without NUL: PostgreSQL refuses NUL in text (22021), and one such ask would fail
 * every ask batched with it. Salesforce cannot store NUL either, so no record can match one.
 */
function cleanVisitor(visitor: Visitor): Visitor {
  const clean: Visitor = {};
  for (const field of ['name', 'firstName', 'lastName', 'email', 'phone', 'company'] as const) {
    const value = visitor[field]?.replaceAll('\u0000', '').trim();
    if (value) clean[field] = value;
  }
  return clean;
}

function display(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
