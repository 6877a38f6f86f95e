// Seeding through the control API: records written directly, with ids and defaults but no validation,
// so tests can set up states the API refuses (converted Leads, inactive owners...).
import { publishVersion } from './content-files.ts';
import { type Org, schemaOf } from './org.ts';
import { applyRecordRules } from './record-rules.ts';
import { type SObject, sfDatetime } from './store.ts';

export class SeedError extends Error {}

export function seedRecord(org: Org, type: string, fields: SObject): string {
  const schema = schemaOf(org, type);
  const now = sfDatetime();
  const record: SObject = {};
  for (const f of schema.fields) record[f.name] = f.type === 'boolean' ? false : (f.defaultValue ?? null);
  Object.assign(record, {
    Id: org.store.ids.next(schema.keyPrefix),
    IsDeleted: false,
    CreatedDate: now,
    CreatedById: org.store.adminUserId,
    LastModifiedDate: now,
    LastModifiedById: org.store.adminUserId,
    SystemModstamp: now,
  });
  if (schema.hasOwner) record.OwnerId = org.store.adminUserId;
  for (const [key, value] of Object.entries(fields)) {
    const field = schema.field(key);
    if (!field) throw new SeedError(`No such field ${type}.${key}`);
    record[field.name] = value;
  }
  try {
    applyRecordRules(org, schema.name, record, true);
  } catch {
    // Seeding may set up states the rules forbid.
  }
  org.store.put(schema.name, record);
  if (schema.name === 'ContentVersion') publishVersion(org, org.store.adminUserId, record);
  return String(record.Id);
}

export interface NewUser {
  username: string;
  email: string;
  firstName?: string;
  lastName: string;
  isActive?: boolean;
  userType?: string;
}

export function seedUser(org: Org, user: NewUser): string {
  const taken = org.store
    .all('User')
    .some((u) => String(u.Username).toLowerCase() === user.username.toLowerCase());
  if (taken) throw new SeedError(`Username ${user.username} is already taken`);
  const alias = `${user.firstName?.[0] ?? ''}${user.lastName}`.slice(0, 8).toLowerCase();
  return seedRecord(org, 'User', {
    Username: user.username,
    Email: user.email.toLowerCase(),
    FirstName: user.firstName ?? null,
    LastName: user.lastName,
    Alias: alias,
    IsActive: user.isActive ?? true,
    UserType: user.userType ?? 'Standard',
  });
}

/** Converts a Lead as Salesforce's convertLead would: a new Account and Contact, the Lead marked converted. */
export function convertLead(org: Org, leadId: string): { accountId: string; contactId: string } {
  const lead = org.store.get('Lead', leadId);
  if (!lead) throw new SeedError(`No Lead ${leadId}`);
  const accountId = seedRecord(org, 'Account', { Name: lead.Company ?? lead.Name, OwnerId: lead.OwnerId });
  const contactId = seedRecord(org, 'Contact', {
    FirstName: lead.FirstName,
    LastName: lead.LastName,
    Email: lead.Email,
    Phone: lead.Phone,
    AccountId: accountId,
    OwnerId: lead.OwnerId,
  });
  org.store.put('Lead', {
    ...lead,
    IsConverted: true,
    Status: 'Closed - Converted',
    ConvertedDate: sfDatetime().slice(0, 10),
    ConvertedAccountId: accountId,
    ConvertedContactId: contactId,
  });
  return { accountId, contactId };
}
