// Org settings switchable through the control API, and the fault plan.
import type { DuplicateResultKey } from './errors.ts';

export type CustomFieldType =
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'boolean'
  | 'double'
  | 'date'
  | 'datetime'
  | 'picklist';

export interface CustomFieldSpec {
  object: string;
  name: string;
  type: CustomFieldType;
  length?: number;
  externalId?: boolean;
  unique?: boolean;
  picklistValues?: string[];
  /** A custom picklist is restricted unless this is false, as Setup creates them. */
  restricted?: boolean;
}

export interface DuplicateRuleSpec {
  object: string;
  fields: string[];
  /** 'alert' rules let `Sforce-Duplicate-Rule-Header: allowSave=true` through; 'block' rules never do. */
  action: 'block' | 'alert';
  /** Whether the REST error lists the matched records (default true); some orgs' rules answer without them. */
  reportsMatches?: boolean;
}

export interface Settings {
  /** Owner a new or updated Lead/Case gets unless the request says `Sforce-Auto-Assign: FALSE`. */
  assignmentRules: { Lead?: string; Case?: string } | null;
  duplicateRules: DuplicateRuleSpec[];
  /** The key of the duplicate result in REST errors: real orgs send the misspelt 'duplicateResut'. */
  duplicateResultKey: DuplicateResultKey;
  personAccounts: boolean;
  /** 'Case.Origin' makes that standard picklist reject values outside its list (standard ones accept any by default). */
  restrictedPicklists: string[];
  /** 'Lead.Industry' makes the field read-only for the API user (field-level security). */
  readOnlyFields: string[];
  customFields: CustomFieldSpec[];
  /** 'Lead.Industry' hides a field as if deleted from the org. */
  removedFields: string[];
  dailyApiLimit: number;
  autoApprove: boolean;
  /** Session Settings' timeout: a token idle this long answers 401 INVALID_SESSION_ID. 15 to 1,440 minutes. */
  sessionTimeoutMinutes: number;
}

/** Salesforce's choices run from 15 minutes to 24 hours; the default is 2 hours. */
export const SESSION_TIMEOUT_RANGE = { min: 15, max: 24 * 60 } as const;

export const defaultSettings = (autoApprove = false): Settings => ({
  assignmentRules: null,
  duplicateRules: [],
  duplicateResultKey: 'duplicateResut',
  personAccounts: false,
  restrictedPicklists: [],
  readOnlyFields: [],
  customFields: [],
  removedFields: [],
  // Developer Edition's daily allowance.
  dailyApiLimit: 15_000,
  autoApprove,
  sessionTimeoutMinutes: 120,
});

export interface Faults {
  latencyMs: number;
  latencyJitterMs: number;
  fail503: number;
  requestLimitAfter: number | null;
  lockRows: number;
  dropConnections: number;
  /** Writes (POST/PATCH/DELETE) carried out whose response is then lost with the connection. */
  loseResponses: number;
}

export const noFaults = (): Faults => ({
  latencyMs: 0,
  latencyJitterMs: 0,
  fail503: 0,
  requestLimitAfter: null,
  lockRows: 0,
  dropConnections: 0,
  loseResponses: 0,
});
