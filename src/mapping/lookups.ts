// Phase 1 of planning: the reads an event needs, as SOQL the executor can batch or answer from its ledger.
import type { CompiledMapping, CompiledRule, IdentifiedObject } from './compile.ts';
import type { CxEvent } from './event.ts';
import { sectionOf } from './event.ts';
import { digits, normalize } from './normalize.ts';
import { escapeLikeBody, soqlString } from './soql.ts';
import { buildContext, readSource, type SourceContext } from './sources.ts';

export interface LookupRequest {
  /** Key of the answer in LookupResults.records (`identify:<Object>:<rule>`), or 'owner'. */
  key: string;
  purpose: 'identify' | 'owner';
  object: string;
  rule?: string;
  /** The read: SOQL, or SOSL (`FIND {…} IN PHONE FIELDS RETURNING …`) for a rule that compares phones. */
  soql: string;
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
    const knownId = knownIds[object];
    if (knownId) {
      // Recorded earlier by CloudCX: read it by Id so the overwrite policy can compare its fields.
      const soql = `SELECT ${selectFields(mapping, object).join(', ')} FROM ${object} WHERE Id = ${soqlString(knownId)} LIMIT 1`;
      out.push({ key: identifyKey(object, 'known'), purpose: 'identify', object, rule: 'known', soql });
      continue;
    }
    const ident = mapping.identification[object]!;
    for (const rule of ident.rules) {
      const where = whereClause(rule, context);
      if (!where) continue;
      const order = ident.onMultiple === 'oldest' ? 'CreatedDate ASC' : 'LastModifiedDate DESC';
      const fields = selectFields(mapping, object).join(', ');
      const search = phoneSearch(rule, context);
      const soql = search
        ? `FIND {${search.terms}} IN PHONE FIELDS RETURNING ${object}(${fields}${search.where ? ` WHERE ${search.where}` : ''} ORDER BY ${order} LIMIT ${IDENTIFY_LIMIT})`
        : `SELECT ${fields} FROM ${object} WHERE ${where} ORDER BY ${order} LIMIT ${IDENTIFY_LIMIT}`;
      out.push({ key: identifyKey(object, rule.name), purpose: 'identify', object, rule: rule.name, soql });
    }
  }
  const agentEmail = event.agent?.email?.trim();
  if (mapping.owner.rule === 'agentEmailThenConnectingUser' && agentEmail) {
    out.push({
      key: 'owner',
      purpose: 'owner',
      object: 'User',
      soql: `SELECT Id FROM User WHERE Email = ${soqlString(agentEmail)} AND IsActive = true AND UserType = 'Standard' ORDER BY CreatedDate LIMIT 1`,
    });
  }
  return out;
}

/**
 * A rule that compares phones searches Salesforce's search index (SOSL): Salesforce stores phones as typed, and
 * `Phone LIKE '%5%5…'` (a leading wildcard) scans the whole table, which times out on a large org. The search
 * finds the number in any format; the rule's other conditions filter the search's rows; the planner then compares
 * the normalised values exactly. Undefined for a rule without phones, or when a compared value is blank.
 */
export function phoneSearch(
  rule: CompiledRule,
  context: SourceContext,
): { terms: string; where?: string } | undefined {
  const terms: string[] = [];
  const others: string[] = [];
  for (const c of rule.all) {
    const raw = readSource(context, c.source);
    const value = typeof raw === 'string' ? normalize(raw, c.normalize, c.countryCode) : '';
    if (!value.trim()) return undefined;
    if (c.normalize === 'phone' || c.normalize === 'e164') {
      // The last 10 digits: the number with or without its country code. Digits only: nothing to escape in SOSL.
      const tail = digits(value).slice(-10);
      if (tail.length < MIN_PHONE_DIGITS) return undefined;
      terms.push(`"${tail}"`);
    } else others.push(`${c.field} = ${soqlString(value)}`);
  }
  if (terms.length === 0) return undefined;
  return { terms: terms.join(' AND '), ...(others.length > 0 ? { where: others.join(' AND ') } : {}) };
}

/** The rule's WHERE clause, or undefined when a compared CloudCX value is blank (the rule does not apply). */
export function whereClause(rule: CompiledRule, context: SourceContext): string | undefined {
  const parts: string[] = [];
  for (const c of rule.all) {
    const raw = readSource(context, c.source);
    const value = typeof raw === 'string' ? normalize(raw, c.normalize, c.countryCode) : '';
    if (!value.trim()) return undefined;
    if (c.normalize === 'phone' || c.normalize === 'e164') {
      // Salesforce stores phones as typed ("(555) 123-4567"): match the last digits in order with LIKE,
      // then the planner compares the normalised values exactly.
      const tail = digits(value).slice(-10);
      // Too few digits would match half the org: the rule does not apply.
      if (tail.length < MIN_PHONE_DIGITS) return undefined;
      parts.push(`${c.field} LIKE '%${[...tail].map(escapeLikeBody).join('%')}'`);
    } else parts.push(`${c.field} = ${soqlString(value)}`);
  }
  return parts.join(' AND ');
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
