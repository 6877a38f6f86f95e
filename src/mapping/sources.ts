// The CloudCX fields a mapping may read, and the context object templates and sources are evaluated against.
import type { CxEvent } from './event.ts';
import { sectionOf } from './event.ts';

/** Known fields per root; `*` = any key (custom fields and variables); `maxLength` where CloudCX bounds it. */
const CHAT_FIELDS = [
  'id',
  'kind',
  'channel',
  'subject',
  'startedAt',
  'endedAt',
  'transcript',
  'messages',
  'notes',
  'wrapUp',
  'ended',
] as const;
export const SOURCE_FIELDS: Readonly<Record<string, readonly string[] | '*' | null>> = {
  visitor: ['name', 'firstName', 'lastName', 'email', 'phone', 'company'],
  agent: ['id', 'name', 'email'],
  chat: CHAT_FIELDS,
  conversation: CHAT_FIELDS,
  tenant: ['id'],
  customFields: '*',
  customVariables: '*',
  channel: null,
  section: null,
};

/** Upper bounds of values CloudCX produces; every other field is unbounded. */
export const SOURCE_MAX_LENGTH: Readonly<Record<string, number>> = {
  section: 7,
  'chat.kind': 20,
  'conversation.kind': 20,
  'chat.ended': 5,
  'conversation.ended': 5,
};

/** Why `segments` is not a known CloudCX field, or undefined when it is. */
export function unknownSource(segments: readonly (string | number)[]): string | undefined {
  const [root, field] = segments;
  // Own keys only: `toString.x` must not find Object.prototype.toString.
  const known = Object.hasOwn(SOURCE_FIELDS, String(root)) ? SOURCE_FIELDS[String(root)] : undefined;
  if (known === undefined) return `unknown CloudCX field "${segments.join('.')}"`;
  if (field === undefined || known === '*') return undefined;
  if (known === null || !known.includes(String(field)))
    return `unknown CloudCX field "${root}.${field}"${known ? ` (known: ${known.join(', ')})` : ''}`;
  return undefined;
}

export type SourceContext = Record<string, unknown>;

/** The values templates and `source` paths see for one event. */
export function buildContext(event: CxEvent): SourceContext {
  const messages = event.messages ?? [];
  const ended =
    event.kind.endsWith('.ended') || event.kind === 'chat.offline_message' || Boolean(event.endedAt);
  const chat = {
    id: event.id,
    kind: event.kind,
    channel: event.channel,
    subject: event.subject,
    startedAt: event.startedAt,
    endedAt: event.endedAt,
    transcript: transcript(messages),
    messages,
    notes: event.notes,
    wrapUp: event.wrapUp,
    ended,
  };
  return {
    visitor: { ...event.visitor },
    agent: { ...(event.agent ?? {}) },
    chat,
    conversation: chat,
    tenant: { id: event.cloudcxTenantId ?? event.tenantId },
    channel: event.channel,
    section: sectionOf(event.kind) === 'webChat' ? 'webChat' : 'inbox',
    customFields: { ...(event.customFields ?? {}) },
    customVariables: { ...(event.customVariables ?? {}) },
  };
}

/** One line per message: `[2024-01-15 10:30:05] Jane (visitor): Hello`. */
export function transcript(messages: NonNullable<CxEvent['messages']>): string {
  return messages
    .map((m) => {
      const at =
        typeof m.at === 'string' ? m.at.replace('T', ' ').replace(/(\.\d+)?(Z|[+-]\d\d:?\d\d)$/, '') : '';
      const who = m.name ? `${m.name} (${m.from})` : m.from;
      return `[${at}] ${who}: ${m.text}`;
    })
    .join('\n');
}

/** Reads a dotted source path such as `visitor.email` or `customFields.order number`. */
export function readSource(context: SourceContext, path: string): unknown {
  const dot = path.indexOf('.');
  const root = dot < 0 ? path : path.slice(0, dot);
  const value = context[root];
  if (dot < 0) return value;
  const rest = path.slice(dot + 1);
  if (value && typeof value === 'object' && Object.hasOwn(value, rest))
    return (value as Record<string, unknown>)[rest];
  return undefined;
}
