// Which errors mean "the database cannot serve right now" (answered SERVICE_UNAVAILABLE, 503) and which are bugs.
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../src/db/unavailable.ts';

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a Prisma code for an unreachable server', { code: 'P1001' }],
    ['a driver code deep in the causes', { message: 'x', cause: { cause: { code: 'ECONNRESET' } } }],
    ["the driver adapter's kind", { name: 'DriverAdapterError', cause: { kind: 'ConnectionClosed' } }],
    [
      'a raw query failure naming a network code',
      { code: 'P2010', message: 'Raw query failed. read ECONNRESET' },
    ],
    ['a PostgreSQL shutdown', { code: '57P01' }],
  ])('%s: unavailable', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', { code: 'P2002' }],
    ['a programming error', new TypeError('cannot read properties of undefined')],
    ['a constraint kind from the adapter', { cause: { kind: 'UniqueConstraintViolation' } }],
    ['nothing', undefined],
  ])('%s: not unavailable', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
