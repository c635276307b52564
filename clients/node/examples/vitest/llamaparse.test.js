import { expect } from 'vitest';
import { test } from './fixtures.js';

async function parse(mock) {
  const headers = { authorization: 'Bearer llx-test', ...mock.headers };
  const form = new FormData();
  form.append('file', new Blob(['CLAIMS\nEvery claim is reviewed within ten days.\n'], { type: 'text/plain' }), 'notes.txt');
  const job = await (await fetch(`${mock.baseURL}/api/v1/parsing/upload`, { method: 'POST', headers, body: form })).json();
  for (let i = 0; i < 750; i++) { // poll as a real client does, bounded (15 s)
    const status = await (await fetch(`${mock.baseURL}/api/v1/parsing/job/${job.id}`, { headers })).json();
    if (status.status !== 'PENDING') return status;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the job is still pending');
}

test('a job ends in ERROR when the test says so', async ({ mockLlamaParse }) => {
  await mockLlamaParse.fault({ path: '/api/v1/parsing/upload', job_status: 'ERROR', times: 1 });
  expect((await parse(mockLlamaParse)).status).toBe('ERROR');
  expect((await parse(mockLlamaParse)).status).toBe('SUCCESS');
});

test('a job succeeds', async ({ mockLlamaParse }) => {
  expect((await parse(mockLlamaParse)).status).toBe('SUCCESS');
  expect((await mockLlamaParse.requests({ method: 'POST' })).map((r) => r.path)).toEqual(['/api/v1/parsing/upload']);
});
