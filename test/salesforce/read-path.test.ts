// The one read path's merging, rendering and routing, from structured reads: no SOQL text is parsed anywhere.
import { describe, expect, it } from 'vitest';
import type { SalesforceRead } from '../../src/mapping/read.ts';
import { renderRead } from '../../src/salesforce/read-path/index.ts';
import { type Answer, type Member, mergeReads } from '../../src/salesforce/read-path/merge.ts';

const byEmail = (email: string): SalesforceRead => ({
  object: 'Lead',
  fields: ['Id', 'LastModifiedDate'],
  where: [{ field: 'Email', op: '=', value: email, normalize: 'email' }],
  orderBy: { field: 'LastModifiedDate', direction: 'DESC' },
  limit: 10,
});
const owner = (email: string): SalesforceRead => ({
  object: 'User',
  fields: ['Id'],
  where: [
    { field: 'Email', op: '=', value: email, normalize: 'email' },
    { field: 'IsActive', op: '=', value: true },
    { field: 'UserType', op: '=', value: 'Standard' },
  ],
  orderBy: { field: 'CreatedDate', direction: 'ASC' },
  limit: 1,
});
const byPhone = (object: string, digits: string, company?: string): SalesforceRead => ({
  object,
  fields: ['Id', 'Phone'],
  where: company ? [{ field: 'Company', op: '=', value: company }] : [],
  phone: { field: 'Phone', digits },
  orderBy: { field: 'LastModifiedDate', direction: 'DESC' },
  limit: 10,
});
const members = (reads: SalesforceRead[]): Member[] => reads.map((read, index) => ({ index, read }));
const answer = (records: Array<Record<string, unknown>>, types?: string[]): Answer => ({
  records,
  done: true,
  ...(types ? { types } : {}),
});

describe('the read path', () => {
  it('renders one read with every value escaped', () => {
    expect(renderRead(byEmail("o'brien\\x@example.com"))).toBe(
      "SELECT Id, LastModifiedDate FROM Lead WHERE Email = 'o\\'brien\\\\x@example.com' ORDER BY LastModifiedDate DESC LIMIT 10",
    );
    expect(renderRead(owner('a@x.com'))).toBe(
      "SELECT Id FROM User WHERE Email = 'a@x.com' AND IsActive = true AND UserType = 'Standard' ORDER BY CreatedDate ASC LIMIT 1",
    );
    expect(
      renderRead({ ...byEmail('a'), where: [{ field: 'CreatedDate', op: '>=', value: new Date(0) }] }),
    ).toMatch(/WHERE CreatedDate >= 1970-01-01T00:00:00Z ORDER/);
  });

  it('merges reads that differ in one value into one IN query, shared conditions said once', () => {
    const batches = mergeReads(
      members([byEmail('a@x.com'), owner('a@x.com'), byEmail('b@x.com'), owner('c@x.com')]),
    );
    expect(batches.map((b) => b.text)).toEqual([
      "SELECT Id, LastModifiedDate, Email FROM Lead WHERE Email IN ('a@x.com', 'b@x.com') ORDER BY LastModifiedDate DESC LIMIT 21",
      "SELECT Id, Email FROM User WHERE IsActive = true AND UserType = 'Standard' AND Email IN ('a@x.com', 'c@x.com') ORDER BY CreatedDate ASC LIMIT 3",
    ]);
  });

  it("routes rows back by the rule's normaliser (an email in any case), each within its own limit", () => {
    const [leads] = mergeReads(members([byEmail('a@x.com'), { ...byEmail('b@x.com'), limit: 1 }]));
    const rows = [
      { Id: '1', Email: 'A@X.com' },
      { Id: '2', Email: 'b@x.com' },
      { Id: '3', Email: 'B@x.com' },
    ];
    // Different limits are different shapes: not merged.
    expect(leads!.members).toHaveLength(1);
    const [users] = mergeReads(members([owner('A@x.com'), owner('b@x.com')]));
    const { rows: routed, full } = users!.route(answer([rows[0]!, rows[1]!]));
    expect(Object.fromEntries(routed)).toEqual({ 0: [rows[0]], 1: [rows[1]] });
    expect(full).toEqual([]);
    // Two Users for one email fill the page: some other agent's User may be missing, so each is asked alone.
    expect(users!.route(answer([rows[0]!, rows[1]!, rows[2]!])).full).toHaveLength(2);
  });

  it('merges reads that differ in several values as an OR of each one, and routes by all of them', () => {
    const read = (last: string, company: string): SalesforceRead => ({
      object: 'Contact',
      fields: ['Id'],
      where: [
        { field: 'LastName', op: '=', value: last },
        { field: 'Company', op: '=', value: company },
      ],
      limit: 10,
    });
    const [batch] = mergeReads(members([read('Doe', 'Acme'), read('Roe', 'Beta')]));
    expect(batch!.text).toBe(
      "SELECT Id, LastName, Company FROM Contact WHERE (LastName = 'Doe' AND Company = 'Acme') OR (LastName = 'Roe' AND Company = 'Beta') LIMIT 21",
    );
    const rows = [
      { Id: '1', LastName: 'Doe', Company: 'Beta' },
      { Id: '2', LastName: 'doe', Company: 'ACME' },
    ];
    expect(Object.fromEntries(batch!.route(answer(rows)).rows)).toEqual({ 0: [rows[1]], 1: [] });
  });

  it("searches several visitors' phones of several objects in one SOSL search, rows routed by their digits", () => {
    const batches = mergeReads(
      members([
        byPhone('Lead', '5550102030'),
        byPhone('Contact', '2079460001'),
        byPhone('Lead', '2079460001'),
      ]),
    );
    expect(batches).toHaveLength(1);
    expect(batches[0]!.text).toBe(
      'FIND {"5550102030" OR "2079460001"} IN PHONE FIELDS RETURNING ' +
        'Lead(Id, Phone ORDER BY LastModifiedDate DESC LIMIT 21), Contact(Id, Phone ORDER BY LastModifiedDate DESC LIMIT 11)',
    );
    const rows = [
      { Id: '00Q000005550102030', Phone: '(555) 010-2030' },
      { Id: '00Q2', Phone: '+44 20 7946 0001' },
      { Id: '0032', Phone: '020 7946 0001' },
    ];
    const { rows: routed } = batches[0]!.route(answer(rows, ['Lead', 'Lead', 'Contact']));
    expect(routed.get(0)!.map((r) => r.Id)).toEqual(['00Q000005550102030']);
    expect(routed.get(1)!.map((r) => r.Id)).toEqual(['0032']);
    expect(routed.get(2)!.map((r) => r.Id)).toEqual(['00Q2']);
  });

  it("filters a phone search by the rule's other conditions", () => {
    const [batch] = mergeReads(members([byPhone('Lead', '5550102030', "O'Hara")]));
    expect(batch!.text).toBe(
      "FIND {\"5550102030\"} IN PHONE FIELDS RETURNING Lead(Id, Phone WHERE Company = 'O\\'Hara' ORDER BY LastModifiedDate DESC LIMIT 10)",
    );
  });

  it("keeps within Salesforce's limits: WHERE under 4,000 characters, 2,000 rows, 50 numbers per search", () => {
    const emails = Array.from({ length: 300 }, (_, i) =>
      byEmail(`visitor-number-${i}@a-rather-long-domain.example`),
    );
    const queries = mergeReads(members(emails));
    expect(queries.length).toBeGreaterThan(1);
    for (const q of queries) expect(q.text.slice(q.text.indexOf(' WHERE ')).length).toBeLessThan(4_000);
    expect(queries.flatMap((q) => q.members.map((m) => m.index)).sort((a, b) => a - b)).toEqual(
      emails.map((_, i) => i),
    );
    const phones = Array.from({ length: 120 }, (_, i) => byPhone('Lead', `555${String(i).padStart(7, '0')}`));
    const searches = mergeReads(members(phones));
    expect(searches.map((s) => s.members.length)).toEqual([50, 50, 20]);
    expect(searches[0]!.text).toMatch(/LIMIT 501\)$/);
  });

  it('sends the members of a full page alone again, since some of their rows may be missing', () => {
    const [batch] = mergeReads(members([byEmail('a@x.com'), byEmail('b@x.com')]));
    const rows = Array.from({ length: 21 }, (_, i) => ({ Id: String(i), Email: 'a@x.com' }));
    expect(batch!.route(answer(rows)).full.map((m) => m.index)).toEqual([0, 1]);
  });
});
