// A typed client of the sandbox's control API, usable from any process that knows the sandbox URL.
import type { DuplicateResultKey } from './errors.ts';
import type { NewUser } from './seed.ts';
import type { CustomFieldSpec, DuplicateRuleSpec, Faults, Settings } from './settings.ts';
import type { RevokedToken, SObject } from './store.ts';

export interface ConnectedAppSpec {
  clientId: string;
  clientSecret: string;
  callbackUrls: string[];
  rotateRefreshTokens?: boolean;
  /** Shown on the consent page; defaults to the client id. */
  name?: string;
}

export interface SettingsPatch {
  assignmentRules?: { Lead?: string; Case?: string } | null;
  duplicateRules?: DuplicateRuleSpec[];
  personAccounts?: boolean;
  restrictedPicklists?: string[];
  readOnlyFields?: string[];
  customFields?: CustomFieldSpec[];
  removedFields?: string[];
  dailyApiLimit?: number;
  autoApprove?: boolean;
  /** 15 to 1,440; default 120. */
  sessionTimeoutMinutes?: number;
  /** Default 'duplicateResut', as real orgs spell it. */
  duplicateResultKey?: DuplicateResultKey;
}

export class SandboxControl {
  private readonly base: string;

  constructor(baseUrl: string) {
    this.base = `${baseUrl.replace(/\/$/, '')}/__sandbox`;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.base}/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new Error(`sandbox control ${method} ${path}: ${data?.error ?? res.status}`);
    return data;
  }

  /** Back to a fresh org: records, apps, users, settings, faults, counters and tokens. */
  async reset(): Promise<void> {
    await this.call('POST', 'reset', {});
  }

  async createConnectedApp(app: ConnectedAppSpec): Promise<void> {
    await this.call('POST', 'connected-apps', app);
  }

  createUser(user: NewUser): Promise<{ id: string }> {
    return this.call('POST', 'users', user);
  }

  org(): Promise<{ organizationId: string; adminUserId: string; adminUsername: string }> {
    return this.call('GET', 'org');
  }

  /** Seeds a record directly: ids and defaults only, no validation, no API accounting. */
  insert(type: string, fields: Record<string, unknown>): Promise<{ id: string }> {
    return this.call('POST', `records/${encodeURIComponent(type)}`, fields);
  }

  /** Live records with all fields; deleted ones only when `where` mentions IsDeleted. */
  // biome-ignore lint/suspicious/noExplicitAny: test code reads arbitrary fields.
  records(type: string, where?: Record<string, unknown>): Promise<any[]> {
    const query = where ? `?where=${encodeURIComponent(JSON.stringify(where))}` : '';
    return this.call('GET', `records/${encodeURIComponent(type)}${query}`);
  }

  // biome-ignore lint/suspicious/noExplicitAny: test code reads arbitrary fields.
  record(type: string, id: string): Promise<any> {
    return this.call<SObject | null>('GET', `records/${encodeURIComponent(type)}/${encodeURIComponent(id)}`);
  }

  /** Marks a Lead converted, creating its Account and Contact, as convertLead would. */
  convertLead(leadId: string): Promise<{ accountId: string; contactId: string }> {
    return this.call('POST', 'convert-lead', { leadId });
  }

  setSettings(patch: SettingsPatch): Promise<Settings> {
    return this.call('PATCH', 'settings', patch);
  }

  setFaults(patch: Partial<Faults>): Promise<Faults> {
    return this.call('PATCH', 'faults', patch);
  }

  async expireAccessTokens(): Promise<void> {
    await this.call('POST', 'expire-access-tokens', {});
  }

  /** Moves the sandbox's clock forward, e.g. past the session timeout; `reset()` puts it back. */
  async advanceClock(ms: number): Promise<void> {
    await this.call('POST', 'advance-clock', { ms });
  }

  async revokeRefreshTokens(): Promise<void> {
    await this.call('POST', 'revoke-refresh-tokens', {});
  }

  apiCalls(): Promise<{ total: number; byEndpoint: Record<string, number> }> {
    return this.call('GET', 'api-calls');
  }

  async resetApiCalls(): Promise<void> {
    await this.call('DELETE', 'api-calls');
  }

  /** Calls to the OAuth token endpoint, which the API limit does not count. */
  async tokenCalls(): Promise<number> {
    return (await this.call<{ count: number }>('GET', 'token-calls')).count;
  }

  /** Tokens revoked through /services/oauth2/revoke, oldest first. */
  revokedTokens(): Promise<RevokedToken[]> {
    return this.call('GET', 'revoked-tokens');
  }
}
