import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { soqlLike, soqlString } from '../../src/mapping/index.ts';
import { parseSoqlLiteral } from './soql-literal.ts';

describe('soqlString', () => {
  it('escapes backslash first, then quotes and control characters', () => {
    expect(soqlString("O'Brien")).toBe("'O\\'Brien'");
    expect(soqlString('a\\b')).toBe("'a\\\\b'");
    expect(soqlString("\\'")).toBe("'\\\\\\''");
    expect(soqlString('say "hi"')).toBe('\'say \\"hi\\"\'');
    expect(soqlString('l1\nl2\r\t\b\f')).toBe("'l1\\nl2\\r\\t\\b\\f'");
    expect(soqlString('nul\u0000')).toBe("'nul\\u0000'");
  });

  it('leaves LIKE wildcards alone; soqlLike escapes them', () => {
    expect(soqlString('50%_off')).toBe("'50%_off'");
    expect(soqlLike('50%_off')).toBe("'50\\%\\_off'");
    expect(soqlLike("it's\\")).toBe("'it\\'s\\\\'");
  });

  it('round-trips any string: the literal ends exactly at its closing quote', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (value) => {
        expect(parseSoqlLiteral(soqlString(value))).toEqual({ value, end: soqlString(value).length });
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips any string in LIKE with no live wildcard', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (value) => {
        const literal = soqlLike(value);
        expect(parseSoqlLiteral(literal, { like: true })).toEqual({
          value,
          end: literal.length,
          wildcards: 0,
        });
      }),
      { numRuns: 500 },
    );
  });

  it('escapes the characters that would end a literal in hostile input', () => {
    const hostile = ["' OR Id != null OR Name = '", "\\' OR 1=1 --", "x'\n) LIMIT 1"];
    for (const value of hostile) expect(parseSoqlLiteral(soqlString(value)).value).toBe(value);
  });
});
