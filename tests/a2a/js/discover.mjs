// Card discovery with @a2a-js/sdk, as its users write it: createFromUrl(<url>).
// Usage: node discover.mjs <url> <api key>; prints {"fetched": [...], "result": ...}.
import { ClientFactory } from '@a2a-js/sdk/client';

const [url, key] = process.argv.slice(2);
const plainFetch = globalThis.fetch;
const fetched = [];
globalThis.fetch = (input, init = {}) => {
  const headers = new Headers(init.headers || {});
  headers.set('authorization', `Bearer ${key}`);
  fetched.push(String(input instanceof Request ? input.url : input));
  return plainFetch(input, { ...init, headers });
};
const client = await new ClientFactory().createFromUrl(url);
const result = await client.sendMessage({
  message: {
    messageId: 'js-1',
    role: 1,
    parts: [{ content: { $case: 'text', value: 'hello from js' } }],
    contextId: '',
    taskId: '',
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  },
});
console.log(JSON.stringify({ fetched, result }));
