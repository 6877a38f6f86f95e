// Words for what the API answers in codes: statuses, error codes, times. Pure, so it is tested in Node.

export const STATUSES = [
  'PENDING',
  'RUNNING',
  'SYNCED',
  'RETRYING',
  'DEAD',
  'NEEDS_REVIEW',
  'WAITING_FOR_CONNECTION',
  'SKIPPED',
] as const;

export const STATUS_WORDS: Record<string, string> = {
  PENDING: 'Queued',
  RUNNING: 'Being written',
  SYNCED: 'Synced',
  RETRYING: 'Will retry',
  DEAD: 'Failed (dead-lettered)',
  NEEDS_REVIEW: 'Needs review',
  WAITING_FOR_CONNECTION: 'Waiting for connection',
  SKIPPED: 'Skipped',
};

const ERROR_WORDS: Record<string, string> = {
  API_BUDGET: 'Waiting for the daily Salesforce API budget.',
  NEEDS_REAUTH: 'Salesforce no longer accepts the connection: an admin must reconnect.',
  NOT_CONNECTED: 'The tenant is not connected to Salesforce.',
  INVALID_SESSION_ID: 'The Salesforce session expired.',
  MULTIPLE_MATCHES: 'Several records match the visitor: pick one in the review inbox.',
  UNABLE_TO_LOCK_ROW: 'Salesforce was busy with the same record.',
  REQUEST_LIMIT_EXCEEDED: 'Salesforce refused: too many requests.',
  REQUIRED_FIELD_MISSING: 'A field Salesforce requires has no value.',
  INVALID_FIELD: 'The mapping writes a field the org does not have.',
  FIELD_CUSTOM_VALIDATION_EXCEPTION: 'A validation rule of the org refused the record.',
  STRING_TOO_LONG: 'A value is longer than the field allows.',
  INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: 'A value is not one of the picklist values.',
  DUPLICATES_DETECTED: "The org's duplicate rules refused the record.",
};

/** The last error in words: a plain sentence for a known code, then Salesforce's own message. */
export function errorInWords(code: string | null | undefined, message: string | null | undefined): string {
  const known = code ? ERROR_WORDS[code] : undefined;
  if (known && message && message !== known) return `${known} (${message})`;
  return known ?? message ?? (code ? `Error ${code}` : '');
}

/** "in 3 min", "2 h ago": short, relative to now. */
export function relativeTime(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '';
  const delta = Date.parse(iso) - now;
  const abs = Math.abs(delta);
  const [value, unit] =
    abs < 60_000
      ? [Math.round(abs / 1000), 's']
      : abs < 3_600_000
        ? [Math.round(abs / 60_000), 'min']
        : abs < 86_400_000
          ? [Math.round(abs / 3_600_000), 'h']
          : [Math.round(abs / 86_400_000), 'd'];
  return delta >= 0 ? `in ${value} ${unit}` : `${value} ${unit} ago`;
}

/** 2026-11-29 01:30:05 (UTC), sortable and unambiguous. */
export function timestamp(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : '';
}

export function sectionName(kind: string): string {
  return kind === 'CONVERSATION' ? 'Inbox' : 'Web chat';
}

export function percent(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}
