// `plan` takes what an integrator already has: a CloudCX event, or the input of recordChat / recordConversation (also
// wrapped as `{ "input": … }` or as a whole GraphQL request `{ "query", "variables": { "input": … } }`). This turns
// such an input into the event the GraphQL layer would build (src/graphql/types/record-chat.ts's toEvent).
import type { CxEvent, CxEventKind } from '../mapping/index.ts';

const CHAT_KINDS: Record<string, CxEventKind> = {
  STARTED: 'chat.started',
  OFFLINE_MESSAGE: 'chat.offline_message',
  ENDED: 'chat.ended',
};
const CONVERSATION_KINDS: Record<string, CxEventKind> = {
  STARTED: 'conversation.started',
  ENDED: 'conversation.ended',
};

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The event, or a sentence saying why the JSON is neither an event nor a recordChat/recordConversation input. */
export function toCxEvent(json: unknown, tenantId = '(tenant)'): CxEvent | string {
  let input = json;
  if (isObject(input) && isObject(input.variables)) input = input.variables;
  if (isObject(input) && isObject(input.input)) input = input.input;
  if (!isObject(input)) return 'expected a JSON object';
  if (typeof input.kind === 'string' && typeof input.id === 'string') return input as unknown as CxEvent;
  const chat = typeof input.chatId === 'string';
  if (!chat && typeof input.conversationId !== 'string')
    return 'needs either kind and id (a CloudCX event) or chatId / conversationId (a recordChat / recordConversation input)';
  const kinds = chat ? CHAT_KINDS : CONVERSATION_KINDS;
  const kind = kinds[String(input.event)];
  if (!kind)
    return `event must be one of ${Object.keys(kinds).join(', ')}, got ${JSON.stringify(input.event)}`;
  if (!isObject(input.visitor)) return 'visitor is required';
  const pairs = (list: unknown) =>
    Array.isArray(list)
      ? Object.fromEntries(list.filter(isObject).map((p) => [String(p.key), String(p.value)]))
      : undefined;
  const event: Json = {
    ...input,
    kind,
    id: chat ? input.chatId : input.conversationId,
    tenantId,
    messages: Array.isArray(input.messages)
      ? input.messages.filter(isObject).map((m) => ({ ...m, from: String(m.from).toLowerCase() }))
      : undefined,
    customFields: pairs(input.customFields),
    customVariables: pairs(input.customVariables),
  };
  for (const key of ['chatId', 'conversationId', 'event', 'eventId', 'waitSeconds']) delete event[key];
  for (const [key, value] of Object.entries(event))
    if (value === undefined || value === null) delete event[key];
  return event as unknown as CxEvent;
}
