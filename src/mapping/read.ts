// A Salesforce read as data: what to select from which object, under which conditions, in which order. The sync,
// the console and planChat describe their reads this way, and salesforce/read-path/ merges many of them into few
// queries and searches, renders the SOQL/SOSL text at the very end and routes the rows back. Nobody writes or
// parses query text.
import type { Normalizer } from './normalize.ts';

/** A datetime compares unquoted (`CreatedDate >= 2026-11-25T10:00:00Z`); a string is an escaped literal. */
export type ReadValue = string | boolean | Date;

export interface ReadCondition {
  field: string;
  op: '=' | '>=';
  value: ReadValue;
  /** How a row's value is compared with `value` when rows of a merged read are routed back (the identification
   *  rule's own normaliser). Default: as SOQL's `=` compares text, ignoring case. */
  normalize?: Normalizer;
  countryCode?: string;
}

export interface SalesforceRead {
  object: string;
  fields: readonly string[];
  /** All must hold. */
  where: readonly ReadCondition[];
  /** Search Salesforce's search index for this phone instead of scanning the table (SOSL `IN PHONE FIELDS`): the
   *  last digits of the number, and the field the rule compares, so rows are routed back by that field. */
  phone?: { field: string; digits: string };
  orderBy?: { field: string; direction: 'ASC' | 'DESC' };
  limit: number;
}
