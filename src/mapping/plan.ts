// The DML plan: plain, JSON-serialisable data the executor carries to Salesforce and a dry run shows.
import type { CxEventKind, Section } from './event.ts';

/** A literal value, or `{ ref: 'lead' }` = the id produced by the step whose ref is 'lead'. */
export type FieldValue = string | number | boolean | null | { ref: string };

export type PlanStep =
  | { op: 'create'; ref: string; object: string; fields: Record<string, FieldValue> }
  | { op: 'update'; ref: string; object: string; id: string; fields: Record<string, FieldValue> }
  | {
      op: 'upload';
      ref: string;
      fields: {
        Title: string;
        PathOnClient: string;
        VersionData: string;
        FirstPublishLocationId: FieldValue;
      };
    };

export type ManualAction = 'createLead' | 'createContact' | 'createTask' | 'createCase';

/** A record an identification rule found, with the fields an agent needs to tell it from the others. */
export interface MatchCandidate {
  id: string;
  fields: Record<string, unknown>;
}

/** Several records matched and the mapping says not to guess (`onMultiple: none`). */
export interface Ambiguity {
  object: string;
  rule: string;
  candidates: MatchCandidate[];
}

export interface DmlPlan {
  /** Content hash of the mapping that produced the plan. */
  mappingVersion: string;
  eventId: string;
  eventKind: CxEventKind;
  section: Section;
  setup: 'sales' | 'support' | 'none';
  /** The existing record the visitor was identified as, and by which rule ('known' = recorded earlier). */
  matched?: { object: string; id: string; rule: string };
  /** Set when the visitor matched several records and the mapping does not guess: the plan has no step, an agent
   *  picks one of the candidates. */
  ambiguous?: Ambiguity;
  /** Ordered: a step's references point to earlier steps. */
  steps: PlanStep[];
  skipped: Array<{ object: string; field: string; reason: string }>;
  notes: string[];
}
