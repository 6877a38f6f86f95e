// What the sync console's detail view and log show of a sync record beyond its state: the visitor, the events
// received (newest first, bounded) and the plans carried out in Salesforce with each step's outcome.
import { recordUrl } from '../../salesforce/record-links.ts';
import {
  CARRIED_OUT_OPERATIONS,
  CARRIED_OUT_OUTCOMES,
  type CarriedOutStep,
  parseCarriedOut,
} from '../../sync/carried-out.ts';
import { ACTION_PREFIX } from '../../sync/ledger.ts';
import { builder } from '../builder.ts';

/** The most events and plans one record answers at once. */
const MAX_EVENTS = 100;
const MAX_PLANS = 20;
const bounded = (value: number | null | undefined, fallback: number, max: number) =>
  Math.min(Math.max(value ?? fallback, 0), max);

interface VisitorView {
  name: string | null;
  email: string | null;
  phone: string | null;
}

const SyncVisitorType = builder.objectRef<VisitorView>('SyncVisitor').implement({
  description:
    "The visitor as the chat's latest event named them (a field it left out keeps an earlier event's value).",
  fields: (t) => ({
    name: t.exposeString('name', { nullable: true }),
    email: t.exposeString('email', { nullable: true }),
    phone: t.exposeString('phone', { nullable: true }),
  }),
});

builder.prismaObject('SyncEvent', {
  name: 'SyncEvent',
  description: 'An event received for a chat or conversation, or an agent action on it (kind action.*).',
  fields: (t) => ({
    kind: t.exposeString('kind', {
      description:
        'chat.started, chat.offline_message, chat.ended, conversation.started, conversation.ended, action.*',
    }),
    receivedAt: t.expose('receivedAt', { type: 'DateTime' }),
    appliedAt: t.expose('appliedAt', {
      type: 'DateTime',
      nullable: true,
      description:
        'When a write planned from it (or a decision to write nothing) was recorded; empty while open.',
    }),
    eventId: t.string({
      nullable: true,
      description: "CloudCX's event id, when the event came with one (duplicates of it were dropped).",
      select: { dedupeKey: true },
      resolve: (e) => (e.dedupeKey.startsWith('id:') ? e.dedupeKey.slice(3) : null),
    }),
    summary: t.string({
      description: 'A line about what it carried: messages, files, agent, or who asked for the action.',
      select: { kind: true, payload: true },
      resolve: (e) => summarize(e.kind, e.payload),
    }),
  }),
});

const OperationEnum = builder.enumType('CarriedOutOperation', {
  description: 'CREATE and UPDATE: a record (sObject); UPLOAD: a file (ContentVersion).',
  values: Object.fromEntries(CARRIED_OUT_OPERATIONS.map((op) => [op.toUpperCase(), { value: op }])) as Record<
    'CREATE' | 'UPDATE' | 'UPLOAD',
    { value: CarriedOutStep['operation'] }
  >,
});

const OutcomeEnum = builder.enumType('CarriedOutOutcome', {
  description:
    'WRITTEN: Salesforce took it. FAILED: Salesforce refused it (errorCode, message). HALTED: not sent, as a step it refers to failed.',
  values: Object.fromEntries(CARRIED_OUT_OUTCOMES.map((o) => [o.toUpperCase(), { value: o }])) as Record<
    'WRITTEN' | 'FAILED' | 'HALTED',
    { value: CarriedOutStep['outcome'] }
  >,
});

const CarriedOutStepType = builder
  .objectRef<CarriedOutStep & { url: string | null }>('CarriedOutStep')
  .implement({
    description: 'One step of a plan carried out, with its outcome.',
    fields: (t) => ({
      ref: t.exposeString('ref', {
        description: "The step's name in the plan: lead, contact, task, case, file…",
      }),
      object: t.exposeString('object'),
      operation: t.field({ type: OperationEnum, resolve: (s) => s.operation }),
      outcome: t.field({ type: OutcomeEnum, resolve: (s) => s.outcome }),
      salesforceId: t.exposeString('salesforceId', { nullable: true }),
      url: t.exposeString('url', {
        nullable: true,
        description: 'Opens the record in Salesforce (Lightning).',
      }),
      errorCode: t.exposeString('errorCode', { nullable: true }),
      message: t.exposeString('message', { nullable: true }),
    }),
  });

builder.prismaObject('SyncWrite', {
  name: 'CarriedOutPlan',
  description:
    'A DML plan as it was carried out: the steps of one write of the chat to Salesforce and their outcomes.',
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime', description: 'When the outcomes came back.' }),
    steps: t.field({
      type: [CarriedOutStepType],
      select: {
        steps: true,
        syncRecord: { select: { tenant: { select: { connection: { select: { instanceUrl: true } } } } } },
      },
      resolve: (write) => {
        const instanceUrl = write.syncRecord.tenant.connection?.instanceUrl;
        return parseCarriedOut(write.steps).map((step) => ({
          ...step,
          url: step.salesforceId ? recordUrl(instanceUrl, step.object, step.salesforceId) : null,
        }));
      },
    }),
  }),
});

builder.prismaObjectFields('SyncRecord', (t) => ({
  visitor: t.field({
    type: SyncVisitorType,
    nullable: true,
    description: 'Null when no event named the visitor.',
    select: { visitorName: true, visitorEmail: true, visitorPhone: true },
    resolve: (r) =>
      r.visitorName || r.visitorEmail || r.visitorPhone
        ? { name: r.visitorName, email: r.visitorEmail, phone: r.visitorPhone }
        : null,
  }),
  eventCount: t.relationCount('events'),
  events: t.relation('events', {
    description: `The newest events first, at most \`last\` (default 20, at most ${MAX_EVENTS}).`,
    args: { last: t.arg.int({ required: false }) },
    query: (args) => ({
      orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
      take: bounded(args.last, 20, MAX_EVENTS),
    }),
  }),
  carriedOutPlans: t.relation('writes', {
    description:
      `The plans carried out in Salesforce, newest first, at most \`last\` (default 5, at most ${MAX_PLANS}): ` +
      'each write of the chat, step by step, with what Salesforce answered.',
    args: { last: t.arg.int({ required: false }) },
    query: (args) => ({
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      take: bounded(args.last, 5, MAX_PLANS),
    }),
  }),
}));

/** A line about an event's payload, read field by field (stored JSON is not trusted to have any shape). */
export function summarize(kind: string, payload: unknown): string {
  const p = payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : {};
  if (kind.startsWith(ACTION_PREFIX)) {
    const actor = typeof p.actor === 'string' ? p.actor : 'someone';
    return `${kind.slice(ACTION_PREFIX.length)} asked by ${actor}`;
  }
  const count = (value: unknown, one: string) => {
    const n = Array.isArray(value) ? value.length : 0;
    return n > 0 ? `${n} ${one}${n === 1 ? '' : 's'}` : null;
  };
  const agent = p.agent && typeof p.agent === 'object' ? (p.agent as Record<string, unknown>) : null;
  const agentName = agent && typeof agent.name === 'string' ? agent.name : null;
  const parts = [
    count(p.messages, 'message'),
    count(p.attachments, 'file'),
    agentName ? `agent ${agentName}` : null,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'no messages';
}
