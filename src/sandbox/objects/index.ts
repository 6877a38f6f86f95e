// The standard objects the sandbox knows, by API name.
import { task, user } from './activity-objects.ts';
import { contentDocument, contentDocumentLink, contentVersion } from './content-objects.ts';
import { account, caseObject, contact, lead } from './crm-objects.ts';
import type { ObjectDef } from './field-def.ts';

export const STANDARD_OBJECTS: readonly ObjectDef[] = [
  account,
  contact,
  lead,
  caseObject,
  task,
  user,
  contentVersion,
  contentDocument,
  contentDocumentLink,
];

/** Fields of the polymorphic Name object, through which Lead.Owner, Task.Who and Task.What resolve. */
export const NAME_OBJECT_FIELDS = [
  'Id',
  'Name',
  'FirstName',
  'LastName',
  'Email',
  'IsActive',
  'Type',
  'Alias',
  'Phone',
  'Title',
  'Username',
];
