// Per-object rules applied before a save: derived fields and relationship checks.
import { SfError } from './errors.ts';
import { KEY_PREFIXES, prefixOf } from './ids.ts';
import type { Org } from './org.ts';
import type { SObject } from './store.ts';

const fullName = (r: SObject) => [r.FirstName, r.LastName].filter((v) => v).join(' ') || null;

const FILE_TYPES: Record<string, string> = {
  pdf: 'PDF',
  png: 'PNG',
  jpg: 'JPG',
  jpeg: 'JPEG',
  gif: 'GIF',
  txt: 'TEXT',
  csv: 'CSV',
  html: 'HTML',
  xml: 'XML',
  json: 'JSON',
  zip: 'ZIP',
  doc: 'WORD',
  docx: 'WORD_X',
  xls: 'EXCEL',
  xlsx: 'EXCEL_X',
};

/** Fills derived fields and enforces cross-field rules; `record` is the merged record about to be saved. */
export function applyRecordRules(org: Org, type: string, record: SObject, isNew: boolean): void {
  switch (type) {
    case 'Lead':
    case 'Contact':
    case 'User':
      record.Name = fullName(record);
      return;
    case 'Case':
      caseRules(org, record, isNew);
      return;
    case 'Task':
      taskRules(org, record);
      return;
    case 'ContentVersion':
      if (isNew) contentVersionRules(record);
      return;
  }
}

function caseRules(org: Org, record: SObject, isNew: boolean): void {
  if (isNew) record.CaseNumber = String(++org.store.caseNumber).padStart(8, '0');
  // The case's account follows its contact's when none is given.
  if (!record.AccountId && typeof record.ContactId === 'string') {
    record.AccountId = org.store.get('Contact', record.ContactId)?.AccountId ?? null;
  }
  const closed = record.Status === 'Closed';
  if (closed && !record.IsClosed) record.ClosedDate = new Date().toISOString().replace('Z', '+0000');
  if (!closed) record.ClosedDate = null;
  record.IsClosed = closed;
}

function taskRules(org: Org, record: SObject): void {
  const who = typeof record.WhoId === 'string' ? record.WhoId : undefined;
  const what = typeof record.WhatId === 'string' ? record.WhatId : undefined;
  // A Lead stands alone: a Task about a Lead cannot also relate to another record.
  if (who && prefixOf(who) === KEY_PREFIXES.Lead && what) {
    throw new SfError(
      400,
      'FIELD_INTEGRITY_EXCEPTION',
      'Related To ID: id value of incorrect type: a task related to a lead cannot have a Related To record',
      ['WhatId'],
    );
  }
  let accountId: unknown = null;
  if (what && prefixOf(what) === KEY_PREFIXES.Account) accountId = what;
  else if (what && prefixOf(what) === KEY_PREFIXES.Case)
    accountId = org.store.get('Case', what)?.AccountId ?? null;
  if (!accountId && who && prefixOf(who) === KEY_PREFIXES.Contact) {
    accountId = org.store.get('Contact', who)?.AccountId ?? null;
  }
  record.AccountId = accountId;
  record.IsClosed = record.Status === 'Completed';
}

function contentVersionRules(record: SObject): void {
  const path = String(record.PathOnClient ?? '');
  const ext = path.includes('.') ? path.split('.').pop()!.toLowerCase() : '';
  record.FileExtension = ext || null;
  record.FileType = FILE_TYPES[ext] ?? 'UNKNOWN';
  record.ContentSize =
    typeof record.VersionData === 'string' ? Buffer.from(record.VersionData, 'base64').length : 0;
  record.IsLatest = true;
}
