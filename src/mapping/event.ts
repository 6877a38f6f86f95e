// The CloudCX event the mapping plans for; the GraphQL layer builds it from recordChat / recordConversation.

export const CX_EVENT_KINDS = [
  'chat.started',
  'chat.offline_message',
  'chat.ended',
  'conversation.started',
  'conversation.ended',
] as const;
export type CxEventKind = (typeof CX_EVENT_KINDS)[number];

export interface CxEvent {
  kind: CxEventKind;
  /** The chat id or conversation id (stable across a chat's events). */
  id: string;
  tenantId: string;
  /** CloudCX's own id for the tenant (mappings' `tenant.id`), set by the service when it plans; else `tenantId`. */
  cloudcxTenantId?: string;
  /** Chat channel, e.g. 'Website', 'Facebook'. */
  channel?: string;
  visitor: {
    name?: string;
    firstName?: string;
    lastName?: string;
    email?: string;
    phone?: string;
    company?: string;
  };
  agent?: { id: string; name?: string; email?: string };
  /** Inbox conversations. */
  subject?: string;
  /** ISO 8601. */
  startedAt?: string;
  endedAt?: string;
  /** Chat content / conversation content. */
  messages?: Array<{ at: string; from: 'visitor' | 'agent' | 'system'; name?: string; text: string }>;
  notes?: string;
  wrapUp?: string;
  customFields?: Record<string, string>;
  customVariables?: Record<string, string>;
  attachments?: Array<{ name: string; contentType?: string; base64: string }>;
}

export type Section = 'webChat' | 'inbox';

export function sectionOf(kind: CxEventKind): Section {
  return kind.startsWith('chat.') ? 'webChat' : 'inbox';
}
