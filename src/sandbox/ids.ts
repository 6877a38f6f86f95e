// Salesforce record ids: 15 case-sensitive characters plus a 3-character case-safe suffix.
import { randomInt } from 'node:crypto';

export const KEY_PREFIXES = {
  Account: '001',
  Contact: '003',
  Lead: '00Q',
  Case: '500',
  Task: '00T',
  User: '005',
  Group: '00G',
  Organization: '00D',
  ContentVersion: '068',
  ContentDocument: '069',
  ContentDocumentLink: '06A',
} as const;

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The case-safe suffix: one character per 5-character chunk, a bit per upper-case letter. */
export function to18(id15: string): string {
  let suffix = '';
  for (const offset of [0, 5, 10]) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charAt(offset + i);
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET[bits];
  }
  return id15 + suffix;
}

/** The 18-character form of a 15- or 18-character id, or undefined if it is not a well-formed id. */
export function normalizeId(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^[a-zA-Z0-9]+$/.test(value)) return undefined;
  if (value.length === 15) return to18(value);
  if (value.length === 18) {
    // The suffix is case-insensitive by design; the first 15 characters must agree with it.
    const full = to18(value.slice(0, 15));
    return full.toUpperCase() === value.toUpperCase() ? full : undefined;
  }
  return undefined;
}

export function prefixOf(id: string): string {
  return id.slice(0, 3);
}

/** A generator of fresh ids for one org: prefix + 2-char pod + '0' + 9 base-62 digits. */
export class IdFactory {
  constructor(
    private seq = randomInt(1_000_000),
    private readonly pod = 'Hs',
  ) {}

  get sequence(): number {
    return this.seq;
  }

  next(prefix: string): string {
    this.seq += 1 + randomInt(7);
    let n = this.seq;
    let digits = '';
    for (let i = 0; i < 9; i++) {
      digits = BASE62[n % 62] + digits;
      n = Math.floor(n / 62);
    }
    return to18(`${prefix}${this.pod}0${digits}`);
  }
}
