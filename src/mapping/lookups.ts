// Phase 1 of planning: the reads an event needs, as structured reads the read path merges, or the ledger answers.
import type { CompiledMapping, CompiledRule, IdentifiedObject } from './compile.ts';
import type { CxEvent } from './event.ts';
import { sectionOf } from './event.ts';
import { digits, normalize } from './normalize.ts';
import type { ReadCondition, SalesforceRead } from './read.ts';
import { buildContext, readSource, type SourceContext } from './sources.ts';

export interface LookupRequest {
  /** Key of the answer in LookupResults.records (`identify:<Object>:<rule>`), or 'owner'. */
  key: string;
  purpose: 'identify' | 'owner';
  object: string;
  rule?: string;
  /** The read, as data: salesforce/read-path merges it with others and renders it. */
  read: SalesforceRead;
}

export interface LookupResults {
  records: Record<string, Array<Record<string, unknown>>>;
  /** The active User whose Email is the agent's; null or absent when none. */
  ownerUserId?: string | null;
  connectingUserId: string;
  /** Ids the product itself recorded earlier for this visitor / chat. */
  known?: { leadId?: string; contactId?: string; accountId?: string; taskId?: string; caseId?: string };
}

/** Rows a rule may return; the planner picks one per onMultiple, so a few are enough to see ambiguity. */
export const IDENTIFY_LIMIT = 10;

/** Fewer digits than this do not identify anyone. */
export const MIN_PHONE_DIGITS = 7;

export const identifyKey = (object: string, rule: string) => `identify:${object}:${rule}`;

export function identifyObjects(mapping: CompiledMapping, event: CxEvent): IdentifiedObject[] {
  const record = mapping.sections[sectionOf(event.kind)].record;
  const out: IdentifiedObject[] = [];
  if (mapping.identification.Account && (record === 'support' || mapping.mode === 'manual'))
    out.push('Account');
  if (mapping.identification.Contact && (record === 'support' || mapping.mode === 'manual'))
    out.push('Contact');
  if (mapping.identification.Lead && (record === 'sales' || mapping.mode === 'manual')) out.push('Lead');
  return out;
}

export function lookupsFor(
  mapping: CompiledMapping,
  event: CxEvent,
  known: LookupResults['known'] = {},
): LookupRequest[] {
  const context = buildContext(event);
  const out: LookupRequest[] = [];
  const knownIds: Record<IdentifiedObject, string | undefined> = {
    Account: known.accountId,
    Contact: known.contactId,
    Lead: known.leadId,
  };
  for (const object of identifyObjects(mapping, event)) {
    const fields = selectFields(mapping, object);
    const knownId = knownIds[object];
    if (knownId) {
      // Recorded earlier by CloudCX: read it by Id so the overwrite policy can compare its fields.
      const read = { object, fields, where: [{ field: 'Id', op: '=' as const, value: knownId }], limit: 1 };
      out.push({ key: identifyKey(object, KNOWN), purpose: 'identify', object, rule: KNOWN, read });
      continue;
    }
    const ident = mapping.identification[object]!;
    const orderBy =
      ident.onMultiple === 'oldest'
        ? { field: 'CreatedDate', direction: 'ASC' as const }
        : { field: 'LastModifiedDate', direction: 'DESC' as const };
    for (const rule of ident.rules) {
      const terms = ruleTerms(rule, context);
      if (!terms) continue;
      const read: SalesforceRead = { object, fields, ...terms, orderBy, limit: IDENTIFY_LIMIT };
      out.push({ key: identifyKey(object, rule.name), purpose: 'identify', object, rule: rule.name, read });
    }
  }
  const agentEmail = event.agent?.email?.trim();
  if (mapping.owner.rule === 'agentEmailThenConnectingUser' && agentEmail) {
    out.push({
      key: 'owner',
      purpose: 'owner',
      object: 'User',
      read: {
        object: 'User',
        fields: ['Id'],
        where: [
          { field: 'Email', op: '=', value: agentEmail, normalize: 'email' },
          { field: 'IsActive', op: '=', value: true },
          { field: 'UserType', op: '=', value: 'Standard' },
        ],
        orderBy: { field: 'CreatedDate', direction: 'ASC' },
        limit: 1,
      },
    });
  }
  return out;
}

/** The identification rule KNOWN reads by the Id CloudCX recorded (identify.ts names it too). */
const KNOWN = 'known';

/**
 * What a rule compares for this visitor, or undefined when a compared CloudCX value is blank (the rule does not
 * apply). A phone is searched in Salesforce's search index (SOSL) by its last digits: Salesforce stores phones as
 * typed, and `Phone LIKE '%5%5…'` (a leading wildcard) scans the whole table, which times out on a large org. The
 * rule's other conditions filter the search's rows; the planner then compares the normalised values exactly.
 */
export function ruleTerms(
  rule: CompiledRule,
  context: SourceContext,
): Pick<SalesforceRead, 'where' | 'phone'> | undefined {
  const where: ReadCondition[] = [];
  let phone: SalesforceRead['phone'];
  for (const c of rule.all) {
    const raw = readSource(context, c.source);
    const value = typeof raw === 'string' ? normalize(raw, c.normalize, c.countryCode) : '';
    if (!value.trim()) return undefined;
    if (c.normalize === 'phone' || c.normalize === 'e164') {
      // The last 10 digits: the number with or without its country code.
      const tail = digits(value).slice(-10);
      // Too few digits would match half the org: the rule does not apply.
      if (tail.length < MIN_PHONE_DIGITS) return undefined;
      // A second phone of the rule is compared by the planner only.
      phone ??= { field: c.field, digits: tail };
    } else
      where.push({
        field: c.field,
        op: '=',
        value,
        normalize: c.normalize,
        ...(c.countryCode ? { countryCode: c.countryCode } : {}),
      });
  }
  return { where, ...(phone ? { phone } : {}) };
}

/** Id and dates, compared fields, mapped fields (for the overwrite policy), display fields, Lead conversion. */
export function selectFields(mapping: CompiledMapping, object: IdentifiedObject): string[] {
  const fields = new Set(['Id', 'LastModifiedDate', 'CreatedDate']);
  for (const r of mapping.identification[object]?.rules ?? []) for (const c of r.all) fields.add(c.field);
  for (const f of mapping.objects[object]) fields.add(f.field);
  for (const section of ['webChat', 'inbox'] as const)
    for (const f of mapping.display[section][object] ?? []) fields.add(f);
  if (object === 'Lead')
    for (const f of ['IsConverted', 'ConvertedContactId', 'ConvertedAccountId']) fields.add(f);
  if (object === 'Contact') fields.add('AccountId');
  return [...fields];
}
