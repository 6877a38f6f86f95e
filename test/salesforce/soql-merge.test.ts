import { describe, expect, it } from 'vitest';
import { mergeQueries, parseMergeable, splitRows } from '../../src/salesforce/soql-merge.ts';

const identify = (email: string) =>
  `SELECT Id, Email, LastModifiedDate FROM Lead WHERE Email = '${email}' ORDER BY LastModifiedDate DESC LIMIT 10`;
const owner = (email: string) =>
  `SELECT Id FROM User WHERE Email = '${email}' AND IsActive = true AND UserType = 'Standard' ORDER BY CreatedDate LIMIT 1`;

describe('merging queries that differ only in the compared value', () => {
  it('reads the parts of an identification query and unescapes its literal', () => {
    expect(parseMergeable(identify("o\\'brien\\\\x@example.com"))).toMatchObject({
      object: 'Lead',
      field: 'Email',
      value: "o'brien\\x@example.com",
      rest: '',
      orderBy: 'LastModifiedDate DESC',
      limit: 10,
    });
    expect(parseMergeable(owner('a@x.com'))).toMatchObject({
      field: 'Email',
      rest: " AND IsActive = true AND UserType = 'Standard'",
      limit: 1,
    });
  });

  it('leaves other shapes alone', () => {
    expect(parseMergeable("SELECT Id FROM Lead WHERE Phone LIKE '%5%5'")).toBeNull();
    expect(parseMergeable("SELECT Id FROM Lead WHERE Email = 'a' OR Email = 'b'")).toBeNull();
  });

  it('merges a group into one IN query, adds the compared field, and keeps singles apart', () => {
    const { merged, single } = mergeQueries([
      identify('a@x.com'),
      owner('a@x.com'),
      identify('b@x.com'),
      owner('c@x.com'),
      "SELECT Id FROM Lead WHERE Phone LIKE '%1'",
    ]);
    expect(merged.map((m) => m.soql)).toEqual([
      "SELECT Id, Email, LastModifiedDate FROM Lead WHERE Email IN ('a@x.com', 'b@x.com') ORDER BY LastModifiedDate DESC",
      "SELECT Id, Email FROM User WHERE Email IN ('a@x.com', 'c@x.com') AND IsActive = true AND UserType = 'Standard' ORDER BY CreatedDate",
    ]);
    expect(single).toEqual([4]);
  });

  it("deals rows back by value, ignoring case as SOQL does, within each query's limit", () => {
    const { merged } = mergeQueries([owner('A@x.com'), owner('b@x.com')]);
    const rows = [
      { Id: '1', Email: 'a@X.com' },
      { Id: '2', Email: 'a@x.com' },
      { Id: '3', Email: 'b@x.com' },
    ];
    expect(Object.fromEntries(splitRows(merged[0]!, rows))).toEqual({ 0: [rows[0]], 1: [rows[2]] });
  });

  it("splits a long IN list so the WHERE clause stays within Salesforce's limit", () => {
    const queries = Array.from({ length: 300 }, (_, i) =>
      identify(`visitor-number-${i}@a-rather-long-domain.example`),
    );
    const { merged } = mergeQueries(queries);
    expect(merged.length).toBeGreaterThan(1);
    expect(merged.flatMap((m) => m.members.map((x) => x.index)).sort((a, b) => a - b)).toEqual(
      queries.map((_, i) => i),
    );
    for (const m of merged) expect(m.soql.length).toBeLessThan(4_000);
  });
});
