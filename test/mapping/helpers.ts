// Shared helpers for mapping tests: the default mappings, events and lookups built from small overrides.
import { readFileSync } from 'node:fs';
import type { CompiledMapping, CxEvent, FieldCatalog, LookupResults } from '../../src/mapping/index.ts';
import { formatDiagnostic, loadMapping } from '../../src/mapping/index.ts';

export const root = new URL('../../', import.meta.url);
export const readRepoFile = (path: string) => readFileSync(new URL(path, root), 'utf8');

/** A default mapping, optionally edited by exact text replacements (each must apply). */
export function defaultMapping(
  name: 'sales' | 'support',
  edits: Array<[string, string]> = [],
  catalog?: FieldCatalog,
): CompiledMapping {
  let text = readRepoFile(`mappings/defaults/${name}.yaml`);
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`edit not applicable: ${from}`);
    text = text.replace(from, to);
  }
  const { mapping, diagnostics } = loadMapping(text, `${name}.yaml`, catalog);
  if (!mapping) throw new Error(diagnostics.map(formatDiagnostic).join('\n'));
  return mapping;
}

export function chatEvent(overrides: Partial<CxEvent> = {}): CxEvent {
  return {
    kind: 'chat.started',
    id: 'chat-1001',
    tenantId: 'acme',
    channel: 'Website',
    visitor: {
      name: 'Jane Doe',
      email: 'Jane.Doe@Example.com',
      phone: '+1 (555) 010-2030',
      company: 'Example Corp',
    },
    agent: { id: 'agent-7', name: 'Sam Agent', email: 'sam@acme.example' },
    startedAt: '2024-01-15T10:30:00Z',
    ...overrides,
  };
}

export const transcriptMessages: NonNullable<CxEvent['messages']> = [
  { at: '2024-01-15T10:30:05Z', from: 'visitor', name: 'Jane', text: 'Hi, I need help with my order.' },
  { at: '2024-01-15T10:30:40Z', from: 'agent', name: 'Sam', text: 'Sure, what is the order number?' },
];

export function endedChat(overrides: Partial<CxEvent> = {}): CxEvent {
  return chatEvent({
    kind: 'chat.ended',
    endedAt: '2024-01-15T10:42:13Z',
    messages: transcriptMessages,
    notes: 'Order 4411 delayed',
    wrapUp: 'Resolved',
    customFields: { orderNumber: '4411' },
    customVariables: { utm_source: 'newsletter' },
    ...overrides,
  });
}

export function lookups(overrides: Partial<LookupResults> = {}): LookupResults {
  return {
    records: {},
    ownerUserId: '005AGENT0000001AAA',
    connectingUserId: '005CONNECT00001AAA',
    ...overrides,
  };
}

/** Long strings shortened so golden files stay readable. */
export function readable(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v) =>
      typeof v === 'string' && v.length > 400
        ? `<${v.length} chars: ${v.slice(0, 60)} … ${v.slice(-100)}>`
        : v,
    ),
  );
}
