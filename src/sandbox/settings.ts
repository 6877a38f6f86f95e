// Org settings switchable through the control API, and the fault plan.

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
}

export interface DuplicateRuleSpec {
  object: string;
  fields: string[];
  /** 'alert' rules let `Sforce-Duplicate-Rule-Header: allowSave=true` through; 'block' rules never do. */
  action: 'block' | 'alert';
}

export interface Settings {
  /** Owner a new or updated Lead/Case gets unless the request says `Sforce-Auto-Assign: FALSE`. */
  assignmentRules: { Lead?: string; Case?: string } | null;
  duplicateRules: DuplicateRuleSpec[];
  personAccounts: boolean;
  /** 'Case.Origin' makes that picklist reject values outside its list. */
  restrictedPicklists: string[];
  /** 'Lead.Industry' makes the field read-only for the API user (field-level security). */
  readOnlyFields: string[];
  customFields: CustomFieldSpec[];
  /** 'Lead.Industry' hides a field as if deleted from the org. */
  removedFields: string[];
  dailyApiLimit: number;
  autoApprove: boolean;
}

export const defaultSettings = (autoApprove = false): Settings => ({
  assignmentRules: null,
  duplicateRules: [],
  personAccounts: false,
  restrictedPicklists: [],
  readOnlyFields: [],
  customFields: [],
  removedFields: [],
  // Developer Edition's daily allowance.
  dailyApiLimit: 15_000,
  autoApprove,
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
