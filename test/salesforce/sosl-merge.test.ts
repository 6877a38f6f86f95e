import { describe, expect, it } from 'vitest';
import { mergeSearches, splitSearchRows } from '../../src/salesforce/sosl-merge.ts';

const search = (digits: string, where = '') =>
  `FIND {"${digits}"} IN PHONE FIELDS RETURNING Lead(Id, Phone${where} ORDER BY LastModifiedDate DESC LIMIT 10)`;

describe('mergeSearches', () => {
  it('merges the phone searches of several visitors into one FIND with OR, limits added up', () => {
    const { merged, single } = mergeSearches([
      { index: 0, text: search('5550102030') },
      { index: 1, text: "SELECT Id FROM Lead WHERE Email = 'a@b.c'" },
      { index: 2, text: search('2079460001') },
      { index: 3, text: search('5550109999', " WHERE Company = 'X'") },
    ]);
    expect(merged).toHaveLength(1);
    expect(merged[0]!.sosl).toBe(
      'FIND {"5550102030" OR "2079460001"} IN PHONE FIELDS RETURNING Lead(Id, Phone ORDER BY LastModifiedDate DESC LIMIT 20)',
    );
    expect(merged[0]!.members.map((m) => m.index)).toEqual([0, 2]);
    expect(single).toEqual([1, 3]);
  });

  it('deals the rows back by the digits each visitor searched, in any format, never by ids or dates', () => {
    const { merged } = mergeSearches([
      { index: 0, text: search('5550102030') },
      { index: 1, text: search('2079460001') },
      { index: 2, text: search('5550107777') },
    ]);
    const rows = [
      { Id: '00Q000005550107777', Phone: '(555) 010-2030', CreatedDate: '2026-11-25T00:00:00.000+0000' },
      { Id: '00Q000000000000002', Phone: '+44 20 7946 0001', CreatedDate: '2026-11-25T00:00:00.000+0000' },
    ];
    const split = splitSearchRows(merged[0]!, rows);
    expect(split.get(0)!.map((r) => r.Id)).toEqual(['00Q000005550107777']);
    expect(split.get(1)!.map((r) => r.Id)).toEqual(['00Q000000000000002']);
    expect(split.get(2)).toEqual([]);
  });

  it('keeps each merged search to 50 numbers', () => {
    const queries = Array.from({ length: 120 }, (_, i) => ({
      index: i,
      text: search(`555${String(i).padStart(7, '0')}`),
    }));
    const { merged } = mergeSearches(queries);
    expect(merged.map((m) => m.members.length)).toEqual([50, 50, 20]);
    expect(merged[0]!.limit).toBe(500);
  });
});
