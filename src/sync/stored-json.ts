// The JSON the sync stores, checked when it is read back: a column's type says only "JSON", and a row written by an
// older release (or by hand) must fail here, with the column's name, rather than deep in the planner.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { CxEvent } from '../mapping/event.ts';
import { CX_EVENT_KINDS } from '../mapping/event.ts';
import type { Ambiguity } from '../mapping/plan.ts';

/** A file as an event keeps it: by name and size since files have their own table, bytes inline before. */
export interface StoredAttachmentRef {
  name: string;
  contentType?: string;
  size?: number;
  base64?: string;
}

/** A chat event as SyncEvent.payload holds it. */
export type StoredEvent = Omit<CxEvent, 'attachments'> & { attachments?: StoredAttachmentRef[] };

/** What a VisitorLink was last written or read with (VisitorLink.visitorSeen). */
export interface VisitorSeen {
  mapping: string;
  visitor: Record<string, string>;
}

/** The persisted shapes, by the column that holds them. */
export type StoredShape = 'SyncEvent.payload' | 'SyncRecord.candidates' | 'VisitorLink.visitorSeen';

export class StoredJsonError extends Error {
  override name = 'StoredJsonError';
  constructor(
    readonly shape: StoredShape,
    readonly problems: string[],
  ) {
    super(`${shape} does not hold what it should: ${problems.join('; ')}`);
  }
}

const string = { type: 'string' } as const;
const strings = { type: 'object', additionalProperties: string } as const;

const EVENT_SCHEMA = {
  type: 'object',
  required: ['kind', 'id', 'tenantId', 'visitor'],
  properties: {
    kind: { enum: [...CX_EVENT_KINDS] },
    id: string,
    tenantId: string,
    cloudcxTenantId: string,
    channel: string,
    visitor: strings,
    agent: { type: 'object', required: ['id'], properties: { id: string, name: string, email: string } },
    subject: string,
    startedAt: string,
    endedAt: string,
    messages: {
      type: 'array',
      items: {
        type: 'object',
        required: ['at', 'from', 'text'],
        properties: {
          at: string,
          from: { enum: ['visitor', 'agent', 'system'] },
          name: string,
          text: string,
        },
      },
    },
    notes: string,
    wrapUp: string,
    customFields: strings,
    customVariables: strings,
    attachments: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        properties: { name: string, contentType: string, size: { type: 'integer' }, base64: string },
      },
    },
  },
};

const AMBIGUITY_SCHEMA = {
  type: 'object',
  required: ['object', 'rule', 'candidates'],
  properties: {
    object: string,
    rule: string,
    candidates: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'fields'],
        properties: { id: string, fields: { type: 'object' } },
      },
    },
  },
};

const VISITOR_SEEN_SCHEMA = {
  type: 'object',
  required: ['mapping', 'visitor'],
  properties: { mapping: string, visitor: strings },
};

// Compiled once; unknown keys are kept (a newer release may add some), the known ones must have their types.
const ajv = new Ajv({ allErrors: true, strict: true });
const validators = {
  'SyncEvent.payload': ajv.compile<StoredEvent>(EVENT_SCHEMA),
  'SyncRecord.candidates': ajv.compile<Ambiguity>(AMBIGUITY_SCHEMA),
  'VisitorLink.visitorSeen': ajv.compile<VisitorSeen>(VISITOR_SEEN_SCHEMA),
} satisfies Record<StoredShape, ValidateFunction>;

function parse<T>(shape: StoredShape, validate: ValidateFunction<T>, json: unknown): T {
  if (validate(json)) return json;
  throw new StoredJsonError(shape, (validate.errors ?? []).map(describe));
}

const describe = (e: ErrorObject) => `${e.instancePath || '(root)'} ${e.message ?? e.keyword}`;

export function parseStoredEvent(json: unknown): StoredEvent {
  return parse('SyncEvent.payload', validators['SyncEvent.payload'], json);
}

/** Null when the record waits for no choice. */
export function parseAmbiguity(json: unknown): Ambiguity | null {
  return json === null ? null : parse('SyncRecord.candidates', validators['SyncRecord.candidates'], json);
}

/** Null for a link written before visitors were remembered. */
export function parseVisitorSeen(json: unknown): VisitorSeen | null {
  return json === null ? null : parse('VisitorLink.visitorSeen', validators['VisitorLink.visitorSeen'], json);
}
