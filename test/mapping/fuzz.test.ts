// Property tests: no YAML text or event crashes the compiler or planner, and no event value can leave the
// SOQL string literal it is put in.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  CX_EVENT_KINDS,
  type CxEvent,
  type LookupResults,
  loadMapping,
  lookupsFor,
  planEvent,
} from '../../src/mapping/index.ts';
import { renderRead } from '../../src/salesforce/read-path/index.ts';
import { defaultMapping, readRepoFile } from './helpers.ts';
import { parseSoqlLiteral } from './soql-literal.ts';

const text = fc.string({ unit: 'binary', maxLength: 40 });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const event: fc.Arbitrary<CxEvent> = fc.record({
  kind: fc.constantFrom(...CX_EVENT_KINDS),
  id: text,
  tenantId: text,
  channel: maybe(text),
  visitor: fc.record(
    { name: text, firstName: text, lastName: text, email: text, phone: text, company: text },
    { requiredKeys: [] },
  ),
  agent: maybe(fc.record({ id: text, name: maybe(text), email: maybe(text) })),
  subject: maybe(text),
  startedAt: maybe(
    fc.oneof(
      text,
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    ),
  ),
  endedAt: maybe(text),
  messages: maybe(
    fc.array(
      fc.record({ at: text, from: fc.constantFrom('visitor', 'agent', 'system'), name: maybe(text), text }),
      { maxLength: 3 },
    ),
  ),
  notes: maybe(text),
  wrapUp: maybe(text),
  customFields: maybe(fc.dictionary(text, text, { maxKeys: 3 })),
  customVariables: maybe(fc.dictionary(text, text, { maxKeys: 3 })),
  attachments: maybe(
    fc.array(fc.record({ name: text, base64: fc.base64String({ maxLength: 12 }) }), { maxLength: 2 }),
  ),
}) as fc.Arbitrary<CxEvent>;

const mappings = [
  defaultMapping('sales'),
  defaultMapping('support'),
  defaultMapping('support', [['mode: automatic', 'mode: manual']]),
];

/** Replaces each string literal by ?, proving each one parses and ends where SOQL would end it. */
function skeleton(soql: string): { shape: string; literals: string[] } {
  let shape = '';
  const literals: string[] = [];
  for (let i = 0; i < soql.length; ) {
    if (soql[i] === "'") {
      const like = shape.endsWith('LIKE ');
      const lit = parseSoqlLiteral(soql, { start: i, like });
      literals.push(lit.value);
      shape += '?';
      i = lit.end;
    } else shape += soql[i++];
  }
  return { shape, literals };
}

const IDENTIFY =
  /^SELECT [A-Za-z, ]+ FROM (Lead|Contact|Account) WHERE [A-Za-z]+ = \?( AND [A-Za-z]+ = \?)* ORDER BY (LastModifiedDate DESC|CreatedDate ASC) LIMIT 10$/;
/** Phones through the search index: digits only in the braces, the rule's other conditions as literals. */
const SEARCH =
  /^FIND \{"\d{7,10}"\} IN PHONE FIELDS RETURNING (Lead|Contact|Account)\([A-Za-z, ]+( WHERE [A-Za-z]+ = \?( AND [A-Za-z]+ = \?)*)? ORDER BY (LastModifiedDate DESC|CreatedDate ASC) LIMIT 10\)$/;
const BY_ID = /^SELECT [A-Za-z, ]+ FROM (Lead|Contact|Account) WHERE Id = \? LIMIT 1$/;
const OWNER =
  'SELECT Id FROM User WHERE Email = ? AND IsActive = true AND UserType = ? ORDER BY CreatedDate ASC LIMIT 1';

describe('fuzzing', () => {
  it('never crashes on random YAML text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (yaml) => {
        const r = loadMapping(yaml, 'fuzz.yaml');
        expect(r.mapping !== undefined || r.diagnostics.length > 0).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never crashes on random YAML documents, nor on mutations of the defaults', () => {
    const base = readRepoFile('mappings/defaults/support.yaml');
    const doc = fc.jsonValue({ maxDepth: 4 }).map((v) => stringify(v));
    const mutated = fc
      .tuple(fc.nat(base.length), fc.nat(20), text)
      .map(([at, del, ins]) => base.slice(0, at) + ins + base.slice(at + del));
    fc.assert(
      fc.property(fc.oneof(doc, mutated), (yaml) => {
        const r = loadMapping(yaml, 'fuzz.yaml');
        for (const d of r.diagnostics) expect(d.line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it('names a source rooted at an Object.prototype key as unknown (found by the fuzzer: toString.endedAt)', () => {
    for (const root of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const yaml = readRepoFile('mappings/defaults/support.yaml').replace(
        'chat.endedAt | date',
        `${root}.endedAt | date`,
      );
      const r = loadMapping(yaml, 'support.yaml');
      expect(r.diagnostics.map((d) => d.message)).toContain(
        `template reads unknown CloudCX field "${root}.endedAt"`,
      );
    }
  });

  it('plans any event and any lookup rows without crashing, as JSON data', () => {
    const row = fc.record(
      {
        Id: text,
        Email: text,
        Phone: text,
        Name: text,
        LastModifiedDate: text,
        IsConverted: fc.boolean(),
        ConvertedContactId: text,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(event, fc.constantFrom(...mappings), fc.array(row, { maxLength: 3 }), (e, m, rows) => {
        const records = Object.fromEntries(lookupsFor(m, e).map((l) => [l.key, rows]));
        const results: LookupResults = { records, ownerUserId: null, connectingUserId: '005C' };
        const plan = planEvent(m, e, results);
        expect(JSON.parse(JSON.stringify(plan))).toEqual(JSON.parse(JSON.stringify(plan)));
        planEvent(m, e, results, { action: 'createTask' });
      }),
      { numRuns: 200 },
    );
  });

  it('keeps every event value inside its SOQL string literal', () => {
    fc.assert(
      fc.property(event, fc.constantFrom(...mappings), maybe(text), (e, m, knownId) => {
        for (const l of lookupsFor(m, e, knownId ? { contactId: knownId } : {})) {
          const { shape, literals } = skeleton(renderRead(l.read));
          if (l.purpose === 'owner') {
            expect(shape).toBe(OWNER);
            expect(literals).toEqual([e.agent?.email?.trim(), 'Standard']);
          } else expect(shape).toMatch(l.rule === 'known' ? BY_ID : l.read.phone ? SEARCH : IDENTIFY);
          if (l.rule === 'known') expect(literals).toEqual([knownId]);
        }
      }),
      { numRuns: 300 },
    );
  });
});
