// The control API under /__sandbox/: seeding, settings, faults, accounting and inspection.
// Real Salesforce has no such paths; these calls are never counted or faulted.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SfError } from './errors.ts';
import { readBody, sendJson } from './http.ts';
import type { Org } from './org.ts';
import { convertLead, type NewUser, SeedError, seedRecord, seedUser } from './seed.ts';
import { type Faults, SESSION_TIMEOUT_RANGE, type Settings } from './settings.ts';
import type { ConnectedApp, SObject } from './store.ts';

type Handler = (body: Record<string, unknown>, url: URL, parts: string[]) => unknown;

function matches(record: SObject, where: Record<string, unknown>): boolean {
  return Object.entries(where).every(([key, value]) => {
    const actual = Object.entries(record).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1] ?? null;
    return typeof actual === 'string' && typeof value === 'string'
      ? actual.toLowerCase() === value.toLowerCase()
      : actual === value;
  });
}

function validateSettings(patch: Partial<Settings>): void {
  const timeout = patch.sessionTimeoutMinutes;
  if (
    timeout !== undefined &&
    (!Number.isInteger(timeout) || timeout < SESSION_TIMEOUT_RANGE.min || timeout > SESSION_TIMEOUT_RANGE.max)
  ) {
    throw new SeedError(
      `sessionTimeoutMinutes must be a whole number from ${SESSION_TIMEOUT_RANGE.min} to ${SESSION_TIMEOUT_RANGE.max}`,
    );
  }
  if (
    patch.duplicateResultKey !== undefined &&
    !['duplicateResut', 'duplicateResult'].includes(patch.duplicateResultKey)
  ) {
    throw new SeedError("duplicateResultKey must be 'duplicateResut' or 'duplicateResult'");
  }
  for (const f of patch.customFields ?? []) {
    if (!f.name.endsWith('__c')) throw new SeedError(`Custom field ${f.object}.${f.name} must end in __c`);
  }
}

export function controlRoutes(org: Org, onReset: () => void): Record<string, Handler> {
  const { store, faults, accounting, clock } = org;
  return {
    'POST reset': () => {
      store.reset();
      faults.reset();
      accounting.reset();
      accounting.tokenCalls = 0;
      clock.reset();
      onReset();
      return { ok: true };
    },
    'GET org': () => ({
      organizationId: store.orgId,
      adminUserId: store.adminUserId,
      adminUsername: store.adminUsername,
    }),
    'POST connected-apps': (body) => {
      const app: ConnectedApp = {
        clientId: String(body.clientId),
        clientSecret: String(body.clientSecret),
        callbackUrls: (body.callbackUrls as string[]) ?? [],
        rotateRefreshTokens: body.rotateRefreshTokens === true,
        name: typeof body.name === 'string' ? body.name : String(body.clientId),
      };
      store.apps.set(app.clientId, app);
      store.changed();
      return { ok: true };
    },
    'POST users': (body) => ({ id: seedUser(org, body as unknown as NewUser) }),
    'POST records': (body, _url, parts) => ({ id: seedRecord(org, parts[0]!, body) }),
    'GET records': (_body, url, parts) => {
      const [type, id] = parts;
      if (id) return store.get(org.schemas.get(store.settings, type!)?.name ?? type!, id) ?? null;
      const where = JSON.parse(url.searchParams.get('where') ?? '{}') as Record<string, unknown>;
      const includeDeleted = Object.keys(where).some((k) => k.toLowerCase() === 'isdeleted');
      const name = org.schemas.get(store.settings, type!)?.name ?? type!;
      return store.all(name).filter((r) => (includeDeleted || !r.IsDeleted) && matches(r, where));
    },
    'POST convert-lead': (body) => convertLead(org, String(body.leadId)),
    'GET settings': () => store.settings,
    'PATCH settings': (body) => {
      validateSettings(body as Partial<Settings>);
      // Replace, never mutate: the schema cache keys on the settings object.
      store.settings = { ...store.settings, ...(body as Partial<Settings>) };
      store.changed();
      return store.settings;
    },
    'GET faults': () => faults.plan,
    'PATCH faults': (body) => {
      faults.set(body as Partial<Faults>);
      return faults.plan;
    },
    'POST expire-access-tokens': () => {
      for (const t of store.access.values()) t.expired = true;
      store.changed();
      return { ok: true };
    },
    'POST advance-clock': (body) => {
      if (typeof body.ms !== 'number') throw new SeedError('advance-clock needs { ms: number }');
      clock.advance(body.ms);
      return { offsetMs: clock.offsetMs };
    },
    'POST revoke-refresh-tokens': () => {
      for (const t of store.refresh.values()) t.revoked = true;
      for (const t of store.access.values()) if (t.refreshToken) t.expired = true;
      store.changed();
      return { ok: true };
    },
    'GET api-calls': () => ({ total: accounting.total, byEndpoint: accounting.byEndpoint }),
    'DELETE api-calls': () => {
      accounting.reset();
      return { ok: true };
    },
    'GET token-calls': () => ({ count: accounting.tokenCalls }),
    'GET revoked-tokens': () => store.revoked,
  };
}

export async function handleControl(
  routes: Record<string, Handler>,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const [name, ...parts] = url.pathname
    .replace(/^\/__sandbox\/?/, '')
    .split('/')
    .filter(Boolean)
    .map(decodeURIComponent);
  const handler = routes[`${req.method} ${name}`];
  if (!handler) return sendJson(res, 404, { error: `No control route ${req.method} ${url.pathname}` });
  try {
    const raw = await readBody(req);
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const result = handler(body, url, parts);
    sendJson(res, 200, result ?? null);
  } catch (error) {
    const status =
      error instanceof SeedError || error instanceof SfError || error instanceof SyntaxError ? 400 : 500;
    sendJson(res, status, { error: (error as Error).message });
  }
}
