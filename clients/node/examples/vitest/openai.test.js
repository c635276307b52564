import { describe, expect } from 'vitest';
import { test } from './fixtures.js';
import { post } from '../retrying.js';

const embed = (mock, input = 'retry me') => post(`${mock.baseURL}/embeddings`,
  { model: 'text-embedding-3-small', input }, { headers: { authorization: 'Bearer sk-test', ...mock.headers } });

describe('embeddings under faults', () => {
  test('a 429 is retried and the report is clean', async ({ mockOpenAI }) => {
    await mockOpenAI.fault({ path: '/v1/embeddings', status: 429, times: 1, headers: { 'retry-after-ms': '100', 'retry-after': '0' } });
    const res = await embed(mockOpenAI);
    expect(res.status).toBe(200);
    expect((await mockOpenAI.requests({ path: '/v1/embeddings' })).map((r) => r.status)).toEqual([429, 200]);
    const report = await mockOpenAI.report();
    expect(report.clean, await mockOpenAI.report({ text: true })).toBe(true);
  });

  test('a 400 is not retried', async ({ mockOpenAI }) => {
    expect((await embed(mockOpenAI, '')).status).toBe(400);
    expect(await mockOpenAI.requests()).toHaveLength(1);
    expect((await mockOpenAI.report()).clean).toBe(true);
  });

  // These two run at the same time on the one shared server.
  test.concurrent('a test with a 503 rule', async ({ mockOpenAI }) => {
    await mockOpenAI.fault({ path: '/v1/embeddings', status: 503 });
    for (let i = 0; i < 5; i++) expect((await fetch(`${mockOpenAI.baseURL}/embeddings`, {
      method: 'POST', headers: { authorization: 'Bearer k', ...mockOpenAI.headers },
      body: JSON.stringify({ model: 'text-embedding-3-small', input: 'x' }),
    })).status).toBe(503);
  });
  test.concurrent('a test beside it that never sees it', async ({ mockOpenAI }) => {
    for (let i = 0; i < 5; i++) expect((await fetch(`${mockOpenAI.baseURL}/embeddings`, {
      method: 'POST', headers: { authorization: 'Bearer k', ...mockOpenAI.headers },
      body: JSON.stringify({ model: 'text-embedding-3-small', input: 'x' }),
    })).status).toBe(200);
    expect(await mockOpenAI.faults()).toEqual([]);
  });
});
