// v1 upload fields checked against the spec's types and enums, each bad
// value a FastAPI-style 422 at its own place; good values and unknown
// fields pass.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';

const AUTH = { authorization: 'Bearer llx-test' };
let lp;

before(async () => { lp = await startServer('mock_llamaparse', ['--job-delay-ms', '0', '--job-ms-per-page', '0']); });
after(() => lp.stop());

async function upload(fields, query = '') {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const one of [].concat(v)) fd.append(k, one);
  fd.append('file', new Blob(['# Title\n\nbody\n']), 'a.md');
  const res = await fetch(`${lp.url}/api/v1/parsing/upload${query}`, { method: 'POST', headers: AUTH, body: fd });
  return { res, json: await res.json() };
}

const cases = [
  [{ language: 'xx' }, 'language', 'enum'],
  [{ language: ['en', 'zz'] }, 'language', 'enum'],
  [{ parse_mode: 'bogus' }, 'parse_mode', 'enum'],
  [{ replace_failed_page_mode: 'explode' }, 'replace_failed_page_mode', 'enum'],
  [{ bbox_top: 'abc' }, 'bbox_top', 'float_parsing'],
  [{ page_error_tolerance: '' }, 'page_error_tolerance', 'float_parsing'],
  [{ job_timeout_in_seconds: 'NaN' }, 'job_timeout_in_seconds', 'float_parsing'],
  [{ save_images: 'maybe' }, 'save_images', 'bool_parsing'],
  [{ take_screenshot: '2' }, 'take_screenshot', 'bool_parsing'],
  [{ max_pages: '1.5' }, 'max_pages', 'int_parsing'],
  [{ tier: 'gold' }, 'tier', 'enum'],
];

for (const [fields, field, type] of cases) {
  test(`${JSON.stringify(fields)} is a 422 at [body, ${field}]`, async () => {
    const { res, json } = await upload(fields);
    assert.equal(res.status, 422);
    assert.deepEqual(json.detail[0].loc, ['body', field]);
    assert.equal(json.detail[0].type, type);
    assert.equal(typeof json.detail[0].msg, 'string');
  });
}

test('project_id and organization_id must be UUIDs', async () => {
  const { res, json } = await upload({}, '?project_id=not-a-uuid');
  assert.equal(res.status, 422);
  assert.deepEqual(json.detail[0].loc, ['query', 'project_id']);
  const ok = await upload({}, '?organization_id=00000000-0000-4000-8000-000000000002');
  assert.equal(ok.res.status, 200);
  for (const p of [`/api/v1/parsing/job/${ok.json.id}`, `/api/v1/parsing/job/${ok.json.id}/result/markdown`, `/api/v2/parse/${ok.json.id}`]) {
    const bad = await fetch(`${lp.url}${p}?organization_id=org-1`, { headers: AUTH });
    assert.equal(bad.status, 422, p);
    assert.deepEqual((await bad.json()).detail[0].loc, ['query', 'organization_id']);
    assert.equal((await fetch(`${lp.url}${p}?organization_id=00000000-0000-4000-8000-000000000002`, { headers: AUTH })).status, 200, p);
  }
  const del = await fetch(`${lp.url}/api/v2/parse/${ok.json.id}?project_id=p`, { method: 'DELETE', headers: AUTH });
  assert.equal(del.status, 422);
});

test('good values and unknown fields pass', async () => {
  const { res } = await upload({
    language: ['en', 'fr'], parse_mode: 'parse_page_with_agent', replace_failed_page_mode: 'blank_page',
    bbox_top: '0.1', bbox_bottom: '0', page_error_tolerance: '0.05', job_timeout_in_seconds: '600',
    save_images: 'true', take_screenshot: 'False', hide_headers: 'yes', extract_charts: 'off', max_pages: '3',
    tier: 'agentic', from_python_package: 'true', some_future_field: 'anything',
  });
  assert.equal(res.status, 200);
});
