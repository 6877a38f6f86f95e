import { describe, expect, it } from 'vitest';
import { IdFactory, normalizeId, to18 } from '../../src/sandbox/ids.ts';

describe('record ids', () => {
  it('adds the case-safe suffix Salesforce computes', () => {
    expect(to18('001D000000IqhSL')).toBe('001D000000IqhSLIAZ');
    expect(to18('a0D30000001n7Pi')).toBe('a0D30000001n7PiEAI');
  });

  it('accepts 15- and 18-character ids and rejects a wrong suffix', () => {
    expect(normalizeId('001D000000IqhSL')).toBe('001D000000IqhSLIAZ');
    expect(normalizeId('001D000000IqhSLiaz')).toBe('001D000000IqhSLIAZ');
    expect(normalizeId('001D000000IqhSLAAA')).toBeUndefined();
    expect(normalizeId('abc')).toBeUndefined();
  });

  it('generates unique 18-character ids with the key prefix', () => {
    const ids = new IdFactory();
    const made = Array.from({ length: 500 }, () => ids.next('00Q'));
    expect(new Set(made).size).toBe(500);
    for (const id of made) {
      expect(id).toMatch(/^00Q[A-Za-z0-9]{15}$/);
      expect(normalizeId(id)).toBe(id);
    }
  });
});
