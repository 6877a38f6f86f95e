// Normalizers for identification comparisons and transforms for field values.

export type Normalizer = 'exact' | 'caseInsensitive' | 'email' | 'phone' | 'e164';
export type Transform = 'trim' | 'lowercase' | 'uppercase' | 'collapseWhitespace' | 'digits' | 'e164';

export function normalize(value: string, how: Normalizer, countryCode?: string): string {
  switch (how) {
    case 'exact':
      return value;
    case 'caseInsensitive':
      return value.trim().toLowerCase();
    case 'email':
      return value.trim().toLowerCase();
    case 'phone':
      return digits(value);
    case 'e164':
      return e164(value, countryCode);
    default: {
      const never: never = how;
      return never;
    }
  }
}

export function applyTransform(value: string, how: Transform): string {
  switch (how) {
    case 'trim':
      return value.trim();
    case 'lowercase':
      return value.toLowerCase();
    case 'uppercase':
      return value.toUpperCase();
    case 'collapseWhitespace':
      return value.replace(/\s+/g, ' ').trim();
    case 'digits':
      return digits(value);
    case 'e164':
      return e164(value);
    default: {
      const never: never = how;
      return never;
    }
  }
}

export const digits = (value: string) => value.replace(/\D/g, '');

/** `+` and digits; `00` becomes `+`; a national number gets `countryCode` when one is given. */
export function e164(value: string, countryCode?: string): string {
  const d = digits(value);
  if (!d) return '';
  const trimmed = value.trim();
  if (trimmed.startsWith('+')) return `+${d}`;
  if (d.startsWith('00')) return `+${d.slice(2)}`;
  if (countryCode) return `+${countryCode}${d.replace(/^0+/, '')}`;
  return `+${d}`;
}
