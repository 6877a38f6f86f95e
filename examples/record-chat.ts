// An integrator's script: records a finished web chat and waits for its sync to Salesforce.
//   CXSF_URL=http://localhost:4000/graphql CXSF_KEY=cxsf_… npx tsx examples/record-chat.ts [chat id]
// Typed by codegen (npm run generate): the document below is checked against schema.graphql.
import { GraphQLClient } from 'graphql-request';
import { graphql } from '../test/generated/gql.ts';

const RecordChat = graphql(`
  mutation ExampleRecordChat($input: RecordChatInput!) {
    recordChat(input: $input) {
      __typename
      ... on MutationRecordChatSuccess {
        data {
          id
          status
          attempts
          lastError
          lastErrorCode
          objects {
            role
            sobjectType
            salesforceId
            url
          }
        }
      }
      ... on InvalidInputError {
        message
        field
      }
    }
  }
`);

const url = process.env.CXSF_URL ?? 'http://localhost:4000/graphql';
const key = process.env.CXSF_KEY;
if (!key) {
  console.error('Set CXSF_KEY to an API key (npm start prints the demo key).');
  process.exit(2);
}
const client = new GraphQLClient(url, { headers: { authorization: `Bearer ${key}` } });
const chatId = process.argv[2] ?? `example-${Date.now()}`;
const started = new Date(Date.now() - 5 * 60_000);

const result = await client.request(RecordChat, {
  input: {
    chatId,
    event: 'ENDED',
    channel: 'Website',
    visitor: {
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '+44 20 7946 0000',
      company: 'Analytical Engines',
    },
    agent: { id: 'agent-1', name: 'Grace Hopper', email: 'grace@cloudcx.example' },
    startedAt: started.toISOString(),
    endedAt: new Date().toISOString(),
    messages: [
      { at: started.toISOString(), from: 'VISITOR', name: 'Ada', text: 'Hello! Do you ship to London?' },
      { at: new Date().toISOString(), from: 'AGENT', name: 'Grace', text: 'We do, within three days.' },
    ],
    notes: 'Interested in the premium plan.',
    wrapUp: 'Sales enquiry',
    waitSeconds: 20,
  },
});

if (result.recordChat.__typename === 'InvalidInputError') {
  console.error(`${result.recordChat.field}: ${result.recordChat.message}`);
  process.exit(1);
}
const record = result.recordChat.data;
console.log(`chat ${chatId}: ${record.status} after ${record.attempts} attempt(s)`);
if (record.lastError) console.log(`last error: ${record.lastErrorCode} ${record.lastError}`);
for (const object of record.objects)
  console.log(`  ${object.role}: ${object.sobjectType} ${object.salesforceId} ${object.url ?? ''}`);
process.exit(record.status === 'SYNCED' ? 0 : 1);
