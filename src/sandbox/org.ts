// Everything a request handler needs about the org, in one object.
import type { Accounting } from './accounting.ts';
import type { SandboxClock } from './clock.ts';
import { notFound } from './errors.ts';
import type { FaultState } from './faults.ts';
import { type ObjectSchema, SchemaCache } from './schema.ts';
import type { Store } from './store.ts';

export interface Org {
  store: Store;
  schemas: SchemaCache;
  faults: FaultState;
  accounting: Accounting;
  clock: SandboxClock;
  /** The sandbox's own base URL: login URL and instance URL. */
  url: string;
  apiVersion: string;
}

export function newSchemaCache(): SchemaCache {
  return new SchemaCache();
}

/** The schema of a type, or NOT_FOUND as the REST API answers for an unknown sobject. */
export function schemaOf(org: Org, type: string): ObjectSchema {
  const schema = org.schemas.get(org.store.settings, type);
  if (!schema) throw notFound();
  return schema;
}

/** Who is calling and which request headers shape the write. */
export interface WriteContext {
  userId: string;
  /** False when the request carries `Sforce-Auto-Assign: FALSE`. */
  autoAssign: boolean;
  /** True with `Sforce-Duplicate-Rule-Header: allowSave=true`. */
  allowSave: boolean;
}

/** Reads the write-shaping headers; names are case-insensitive, later maps override earlier ones. */
export function writeContext(
  userId: string,
  ...headerMaps: Array<Record<string, unknown> | undefined>
): WriteContext {
  const headers: Record<string, string> = {};
  for (const map of headerMaps) {
    for (const [k, v] of Object.entries(map ?? {})) if (typeof v === 'string') headers[k.toLowerCase()] = v;
  }
  const autoAssign = (headers['sforce-auto-assign'] ?? 'TRUE').trim().toUpperCase() !== 'FALSE';
  const allowSave = /allowSave\s*=\s*true/i.test(headers['sforce-duplicate-rule-header'] ?? '');
  return { userId, autoAssign, allowSave };
}
