// The org's state: records, connected apps, tokens and settings, with an undo log for
// all-or-none transactions and optional persistence to a JSON data file.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { IdFactory, KEY_PREFIXES, prefixOf } from './ids.ts';
import { typeForPrefix } from './schema.ts';
import { defaultSettings, type Settings } from './settings.ts';

export type SObject = Record<string, unknown>;

export interface ConnectedApp {
  clientId: string;
  clientSecret: string;
  callbackUrls: string[];
  rotateRefreshTokens: boolean;
  name: string;
}

export interface AccessToken {
  userId: string;
  clientId: string;
  refreshToken?: string;
  expired: boolean;
  scope: string;
  /** Sandbox-clock ms of the last call made with it: the session times out after the org's timeout idle. */
  lastUsedAt?: number;
}

export interface RefreshToken {
  userId: string;
  clientId: string;
  revoked: boolean;
  scope: string;
}

export interface AuthCode {
  clientId: string;
  redirectUri: string;
  userId: string;
  scope: string;
  used: boolean;
  expiresAt: number;
  codeChallenge?: string;
}

export interface RevokedToken {
  token: string;
  kind: 'access' | 'refresh';
  revokedAt: string;
}

interface Persisted {
  orgId: string;
  adminUserId: string;
  seq: number;
  caseNumber: number;
  settings: Settings;
  apps: ConnectedApp[];
  records: SObject[];
  access: Record<string, AccessToken>;
  refresh: Record<string, RefreshToken>;
}

type UndoEntry = { type: string; id: string; previous: SObject | undefined };

export const ADMIN_USERNAME = 'admin@sandbox.example.com';

/** Salesforce's datetime format: 2024-01-15T10:30:00.000+0000. */
export const sfDatetime = (d = new Date()) => d.toISOString().replace('Z', '+0000');

export class Store {
  ids = new IdFactory();
  orgId = '';
  adminUserId = '';
  caseNumber = 1000;
  settings: Settings = defaultSettings();
  apps = new Map<string, ConnectedApp>();
  access = new Map<string, AccessToken>();
  refresh = new Map<string, RefreshToken>();
  codes = new Map<string, AuthCode>();
  revoked: RevokedToken[] = [];
  private records = new Map<string, Map<string, SObject>>();
  private undo: UndoEntry[][] = [];
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dataFile?: string,
    private readonly autoApprove = false,
  ) {
    if (dataFile && existsSync(dataFile)) this.load(dataFile);
    else this.reset();
  }

  /** A fresh org: one org id and one active admin user. */
  reset(): void {
    this.ids = new IdFactory();
    this.records = new Map();
    this.apps = new Map();
    this.access = new Map();
    this.refresh = new Map();
    this.codes = new Map();
    this.revoked = [];
    this.caseNumber = 1000;
    this.settings = defaultSettings(this.autoApprove);
    this.orgId = this.ids.next(KEY_PREFIXES.Organization);
    this.adminUserId = this.ids.next(KEY_PREFIXES.User);
    const now = sfDatetime();
    this.put('User', {
      Id: this.adminUserId,
      IsDeleted: false,
      CreatedDate: now,
      CreatedById: this.adminUserId,
      LastModifiedDate: now,
      LastModifiedById: this.adminUserId,
      SystemModstamp: now,
      Username: ADMIN_USERNAME,
      FirstName: 'Sandbox',
      LastName: 'Admin',
      Name: 'Sandbox Admin',
      Alias: 'sadmin',
      Email: ADMIN_USERNAME,
      Title: null,
      Department: null,
      Phone: null,
      IsActive: true,
      UserType: 'Standard',
    });
    this.changed();
  }

  get adminUsername(): string {
    return String(this.get('User', this.adminUserId)?.Username ?? ADMIN_USERNAME);
  }

  get(type: string, id: string): SObject | undefined {
    return this.records.get(type)?.get(id);
  }

  /** A record of any type, found by its key prefix. */
  find(id: string): { type: string; record: SObject } | undefined {
    const type = typeForPrefix(prefixOf(id));
    const record = type ? this.get(type, id) : undefined;
    return type && record ? { type, record } : undefined;
  }

  all(type: string): SObject[] {
    return [...(this.records.get(type)?.values() ?? [])];
  }

  put(type: string, record: SObject): void {
    const id = String(record.Id);
    let table = this.records.get(type);
    if (!table) {
      table = new Map();
      this.records.set(type, table);
    }
    this.undo.at(-1)?.push({ type, id, previous: table.get(id) });
    table.set(id, record);
    this.changed();
  }

  /** Runs `work` so that `rollback` can undo every write it made. */
  begin(): void {
    this.undo.push([]);
  }

  commit(): void {
    const done = this.undo.pop() ?? [];
    // Inside an outer transaction the outer one must still be able to undo these writes.
    this.undo.at(-1)?.push(...done);
  }

  rollback(): void {
    const done = this.undo.pop() ?? [];
    for (const { type, id, previous } of done.reverse()) {
      const table = this.records.get(type)!;
      if (previous) table.set(id, previous);
      else table.delete(id);
    }
    this.changed();
  }

  changed(): void {
    if (!this.dataFile || this.saveTimer) return;
    this.saveTimer = setTimeout(() => this.flush(), 20);
  }

  flush(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (!this.dataFile) return;
    const data: Persisted = {
      orgId: this.orgId,
      adminUserId: this.adminUserId,
      seq: this.ids.sequence,
      caseNumber: this.caseNumber,
      settings: this.settings,
      apps: [...this.apps.values()],
      records: [...this.records.entries()].flatMap(([type, t]) =>
        [...t.values()].map((r) => ({ ...r, attributes: { type } })),
      ),
      access: Object.fromEntries(this.access),
      refresh: Object.fromEntries(this.refresh),
    };
    const tmp = `${this.dataFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(data, null, 1));
    renameSync(tmp, this.dataFile);
  }

  private load(file: string): void {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Persisted;
    this.ids = new IdFactory(data.seq);
    this.orgId = data.orgId;
    this.adminUserId = data.adminUserId;
    this.caseNumber = data.caseNumber;
    this.settings = { ...defaultSettings(this.autoApprove), ...data.settings };
    this.apps = new Map(data.apps.map((a) => [a.clientId, a]));
    this.access = new Map(Object.entries(data.access));
    this.refresh = new Map(Object.entries(data.refresh));
    for (const { attributes, ...record } of data.records) {
      this.put((attributes as { type: string }).type, record);
    }
  }
}
