// A chat's events, in arrival order, folded into one: later events add to and override earlier ones, so a
// chat whose start and end are both queued is written once, as the whole chat.
import type { CxEvent } from '../mapping/event.ts';

const RANK: Record<CxEvent['kind'], number> = {
  'chat.started': 0,
  'conversation.started': 0,
  'chat.offline_message': 1,
  'chat.ended': 2,
  'conversation.ended': 2,
};

export function foldEvents(events: CxEvent[]): CxEvent {
  const [first, ...rest] = events;
  if (!first) throw new Error('no event to fold');
  let folded = first;
  for (const next of rest) {
    folded = {
      ...folded,
      ...next,
      // An "ended" that arrived before a late "started" still ends the chat.
      kind: RANK[next.kind] >= RANK[folded.kind] ? next.kind : folded.kind,
      visitor: { ...folded.visitor, ...next.visitor },
      agent: next.agent ?? folded.agent,
      customFields: { ...folded.customFields, ...next.customFields },
      customVariables: { ...folded.customVariables, ...next.customVariables },
      messages: next.messages ?? folded.messages,
      attachments: mergeAttachments(folded.attachments, next.attachments),
    };
  }
  return folded;
}

function mergeAttachments(a: CxEvent['attachments'], b: CxEvent['attachments']): CxEvent['attachments'] {
  if (!a) return b;
  if (!b) return a;
  const byName = new Map([...a, ...b].map((file) => [file.name, file]));
  return [...byName.values()];
}
