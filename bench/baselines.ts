// The scripts the product is measured against, written here by hand with jsforce as an engineer would, and run
// against the same sandbox in the same process run as the product (never computed):
//   naive        one call per lookup and per record;
//   careful      per chat: the owner cached, one query, then one composite with the Lead and the Task;
//   careful bulk a batch job: the owner cached, IN queries five to a composite, sObject Collections level by level.
// The console's lookups have the same three: one query per rule, one composite per lookup, IN queries in composites.
import jsforce from 'jsforce';

export const API_VERSION = '62.0';
const QUERIES_PER_COMPOSITE = 5;
const RECORDS_PER_COLLECTION = 200;
/** Values per IN list: keeps a query far below SOQL's 100,000 characters. */
const VALUES_PER_IN = 200;

export interface BaselineChat {
  chatId: string;
  email: string;
  name: string;
  phone?: string;
  agentEmail: string;
  transcript: string;
}

export interface LookupVisitor {
  email?: string;
  phone?: string;
}

export function connect(instanceUrl: string, accessToken: string): jsforce.Connection {
  return new jsforce.Connection({ instanceUrl, accessToken, version: API_VERSION });
}

const quote = (value: string) => `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

const leadFields = (chat: BaselineChat, ownerId: string | undefined) => ({
  LastName: chat.name,
  Company: '[not provided]',
  Email: chat.email,
  ...(chat.phone ? { Phone: chat.phone } : {}),
  ...(ownerId ? { OwnerId: ownerId } : {}),
});
const taskFields = (chat: BaselineChat, whoId: string, ownerId: string | undefined) => ({
  Subject: `Chat with ${chat.name}`,
  Description: `Chat ID: ${chat.chatId}\n${chat.transcript}`,
  Status: 'Completed',
  WhoId: whoId,
  ...(ownerId ? { OwnerId: ownerId } : {}),
});

/** Runs `work` over the items with at most `width` in flight. */
export async function pool<T>(items: T[], width: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** One call per lookup and per record: the Lead, the owner, create the Lead, create the Task. */
export async function naiveChat(conn: jsforce.Connection, chat: BaselineChat): Promise<void> {
  const leads = await conn.query<{ Id: string }>(`SELECT Id FROM Lead WHERE Email = ${quote(chat.email)}`);
  const owner = await conn.query<{ Id: string }>(
    `SELECT Id FROM User WHERE Email = ${quote(chat.agentEmail)} LIMIT 1`,
  );
  const ownerId = owner.records[0]?.Id;
  const leadId =
    leads.records[0]?.Id ??
    ((await conn.sobject('Lead').create(leadFields(chat, ownerId))) as { id: string }).id;
  await conn.sobject('Task').create(taskFields(chat, leadId, ownerId));
}

/** Owners read once per run and kept, as a long-running script would. */
export function ownerCache(conn: jsforce.Connection) {
  const owners = new Map<string, Promise<string | undefined>>();
  return (email: string) => {
    let owner = owners.get(email);
    if (!owner) {
      owner = conn
        .query<{ Id: string }>(`SELECT Id FROM User WHERE Email = ${quote(email)} LIMIT 1`)
        .then((result) => result.records[0]?.Id);
      owners.set(email, owner);
    }
    return owner;
  };
}

/** Per chat: one query, then one composite that creates the Lead (when new) and the Task referring to it. */
export async function carefulChat(
  conn: jsforce.Connection,
  owner: (email: string) => Promise<string | undefined>,
  chat: BaselineChat,
): Promise<void> {
  const ownerId = await owner(chat.agentEmail);
  const leads = await conn.query<{ Id: string }>(`SELECT Id FROM Lead WHERE Email = ${quote(chat.email)}`);
  const base = `/services/data/v${API_VERSION}/sobjects`;
  const known = leads.records[0]?.Id;
  const compositeRequest: object[] = [];
  if (!known)
    compositeRequest.push({
      method: 'POST',
      url: `${base}/Lead`,
      referenceId: 'lead',
      body: leadFields(chat, ownerId),
    });
  compositeRequest.push({
    method: 'POST',
    url: `${base}/Task`,
    referenceId: 'task',
    body: taskFields(chat, known ?? '@{lead.id}', ownerId),
  });
  const result = await conn.requestPost<{
    compositeResponse: Array<{ httpStatusCode: number; body: unknown }>;
  }>('/composite', { allOrNone: true, compositeRequest });
  const failed = result.compositeResponse.find((r) => r.httpStatusCode >= 300);
  if (failed) throw new Error(`careful composite failed: ${JSON.stringify(failed.body)}`);
}

interface QueryAnswer {
  records: Array<Record<string, unknown>>;
  done: boolean;
}

/** Runs SOQL queries five to a composite: one API call per five. */
async function compositeQueries(conn: jsforce.Connection, queries: string[]): Promise<QueryAnswer[]> {
  const answers: QueryAnswer[] = [];
  for (const group of chunks(queries, QUERIES_PER_COMPOSITE)) {
    const result = await conn.requestPost<{
      compositeResponse: Array<{ httpStatusCode: number; body: QueryAnswer }>;
    }>('/composite', {
      allOrNone: false,
      compositeRequest: group.map((soql, i) => ({
        method: 'GET',
        url: `/services/data/v${API_VERSION}/query?q=${encodeURIComponent(soql)}`,
        referenceId: `q${i}`,
      })),
    });
    for (const response of result.compositeResponse) {
      if (response.httpStatusCode >= 300)
        throw new Error(`bulk query failed: ${JSON.stringify(response.body)}`);
      answers.push(response.body);
    }
  }
  return answers;
}

/** Creates records with sObject Collections, 200 to a call; returns their ids in order. */
async function createInCollections(
  conn: jsforce.Connection,
  type: string,
  records: Array<Record<string, unknown>>,
): Promise<string[]> {
  const ids: string[] = [];
  for (const group of chunks(records, RECORDS_PER_COLLECTION)) {
    const results = await conn.requestPost<Array<{ id: string; success: boolean; errors: unknown[] }>>(
      '/composite/sobjects',
      { allOrNone: true, records: group.map((fields) => ({ attributes: { type }, ...fields })) },
    );
    for (const r of results) {
      if (!r.success) throw new Error(`bulk ${type} create failed: ${JSON.stringify(r.errors)}`);
      ids.push(r.id);
    }
  }
  return ids;
}

/**
 * A hand-written batch job: the owners and the visitors' Leads read with IN queries through composite (five
 * queries a call), then the new Leads and all Tasks created with sObject Collections, level by level.
 */
export async function carefulBulkChats(conn: jsforce.Connection, chats: BaselineChat[]): Promise<void> {
  const agentEmails = [...new Set(chats.map((c) => c.agentEmail))];
  const emails = [...new Set(chats.map((c) => c.email))];
  const queries = [
    ...chunks(agentEmails, VALUES_PER_IN).map(
      (group) => `SELECT Id, Email FROM User WHERE Email IN (${group.map(quote).join(', ')})`,
    ),
    ...chunks(emails, VALUES_PER_IN).map(
      (group) => `SELECT Id, Email FROM Lead WHERE Email IN (${group.map(quote).join(', ')})`,
    ),
  ];
  const answers = await compositeQueries(conn, queries);
  if (answers.some((a) => !a.done)) throw new Error('bulk query answered more than one page');
  const owners = new Map<string, string>();
  const leads = new Map<string, string>();
  answers.forEach((answer, i) => {
    const into = i < Math.ceil(agentEmails.length / VALUES_PER_IN) ? owners : leads;
    for (const row of answer.records) into.set(String(row.Email).toLowerCase(), String(row.Id));
  });
  const newLeads = chats.filter(
    (chat, i) => !leads.has(chat.email) && chats.findIndex((c) => c.email === chat.email) === i,
  );
  const leadIds = await createInCollections(
    conn,
    'Lead',
    newLeads.map((chat) => leadFields(chat, owners.get(chat.agentEmail))),
  );
  newLeads.forEach((chat, i) => {
    leads.set(chat.email, leadIds[i]!);
  });
  await createInCollections(
    conn,
    'Task',
    chats.map((chat) => taskFields(chat, leads.get(chat.email)!, owners.get(chat.agentEmail))),
  );
}

// The agent console: the default sales mapping's rules are Lead by email, then Lead by phone.
const lookupQueries = (visitor: LookupVisitor) => [
  ...(visitor.email ? [`SELECT Id FROM Lead WHERE Email = ${quote(visitor.email)}`] : []),
  ...(visitor.phone ? [`SELECT Id FROM Lead WHERE Phone = ${quote(visitor.phone)}`] : []),
];

/** One query per rule, one call each; returns whether the visitor matched. */
export async function naiveLookup(conn: jsforce.Connection, visitor: LookupVisitor): Promise<boolean> {
  for (const soql of lookupQueries(visitor)) {
    if ((await conn.query(soql)).records.length > 0) return true;
  }
  return false;
}

/** Every rule of one lookup in one composite: one call per lookup. */
export async function carefulLookup(conn: jsforce.Connection, visitor: LookupVisitor): Promise<boolean> {
  const answers = await compositeQueries(conn, lookupQueries(visitor));
  return answers.some((a) => a.records.length > 0);
}

/** All lookups at once: one IN query per rule, five to a composite. Returns how many visitors matched. */
export async function carefulBulkLookups(
  conn: jsforce.Connection,
  visitors: LookupVisitor[],
): Promise<number> {
  const emails = visitors.flatMap((v) => (v.email ? [v.email] : []));
  const phones = visitors.flatMap((v) => (v.phone ? [v.phone] : []));
  const queries = [
    ...chunks(emails, VALUES_PER_IN).map(
      (group) => `SELECT Id, Email, Phone FROM Lead WHERE Email IN (${group.map(quote).join(', ')})`,
    ),
    ...chunks(phones, VALUES_PER_IN).map(
      (group) => `SELECT Id, Email, Phone FROM Lead WHERE Phone IN (${group.map(quote).join(', ')})`,
    ),
  ];
  const rows = (await compositeQueries(conn, queries)).flatMap((a) => a.records);
  const emailsFound = new Set(rows.map((r) => String(r.Email).toLowerCase()));
  const phonesFound = new Set(rows.map((r) => String(r.Phone)));
  return visitors.filter(
    (v) => (v.email && emailsFound.has(v.email)) || (v.phone && phonesFound.has(v.phone)),
  ).length;
}
