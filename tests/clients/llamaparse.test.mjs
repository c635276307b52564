// The official LlamaParse TypeScript reader (llama-cloud-services) against
// mock_llamaparse, unmodified: upload, poll, results, one document per page.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LlamaParseReader } from 'llama-cloud-services';
import { repoRoot, startServer } from '../lib/server.mjs';

const DATA = path.join(repoRoot, 'tests', 'data');

describe('llama-cloud-services LlamaParseReader', () => {
  let lp;
  before(async () => { lp = await startServer('mock_llamaparse', ['--job-delay-ms', '300', '--job-ms-per-page', '0']); });
  after(() => lp.stop());

  const reader = (opts) => new LlamaParseReader({ apiKey: 'llx-test', baseUrl: lp.url, verbose: false, checkInterval: 0.2, ...opts });

  it('loads markdown, one document per page, as the server pages it', async () => {
    const docs = await reader({ resultType: 'markdown' }).loadData(path.join(DATA, 'policy-basic.txt'));
    assert.ok(docs.length >= 3, `${docs.length} documents`);
    assert.match(docs[0].text, /^# ALDERWICK HEALTH MUTUAL\n/);
    assert.match(docs.at(-1).text, /END OF POLICY/);
    const { requests } = await (await fetch(`${lp.url}/__control/requests`)).json();
    const upload = requests.find((r) => r.path === '/api/v1/parsing/upload');
    assert.equal(upload.status, 200);
    assert.ok(requests.some((r) => /\/result\/markdown$/.test(r.path) && r.status === 200));
    assert.ok(requests.some((r) => /\/job\/[0-9a-f-]+$/.test(r.path)), 'the reader polled the job');
  });

  it('loads text from a csv as table rows', async () => {
    const docs = await reader({ resultType: 'text' }).loadData(path.join(DATA, 'claims.csv'));
    const all = docs.map((d) => d.text).join('\n');
    assert.match(all, /claim_id/);
    assert.match(all, /Okafor, Chinedu/);
  });

  it('loads the json result with pages and items', async () => {
    const json = await reader({ resultType: 'json' }).loadJson(path.join(DATA, 'policy-12pages.pdf'));
    assert.equal(json.length, 1);
    assert.equal(json[0].pages.length, 12);
    assert.equal(json[0].pages[0].items[0].type, 'heading');
  });

  it('targetPages picks pages (0-based); pagePrefix and pageSuffix frame each one with its number', async () => {
    const docs = await reader({ resultType: 'markdown', targetPages: '0,2-3', pagePrefix: '<<p{pageNumber}>>', pageSuffix: '<</p{pageNumber}>>' })
      .loadData(path.join(DATA, 'policy-12pages.pdf'));
    assert.equal(docs.length, 3);
    assert.deepEqual(docs.map((d) => d.text.match(/^<<p(\d+)>>/)?.[1]), ['1', '3', '4']);
    assert.match(docs[1].text, /^<<p3>># Section 3:/);
    assert.match(docs[2].text, /<<\/p4>>$/);
    const json = await reader({ resultType: 'json', targetPages: '11' }).loadJson(path.join(DATA, 'policy-12pages.pdf'));
    assert.deepEqual(json[0].pages.map((p) => p.page), [12]);
    assert.equal(json[0].job_metadata.job_pages, 1);
  });

  it('getImages downloads the screenshots and images the JSON result lists, as PNGs', async () => {
    const r = reader({ resultType: 'json', takeScreenshot: true, save_images: true, targetPages: '0-1' });
    const json = await r.loadJson(path.join(DATA, 'policy-12pages.pdf'));
    assert.deepEqual(json[0].pages.map((p) => p.images.map((i) => i.name)), [['page_1.png', 'img_p0_1.png'], ['page_2.png', 'img_p1_1.png']]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lp-images-'));
    try {
      const images = await r.getImages(json, dir);
      assert.equal(images.length, 4);
      for (const img of images) {
        const bytes = fs.readFileSync(img.path);
        assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], img.name);
        assert.equal(bytes.readUInt32BE(16), img.width, 'the IHDR width is the listed width');
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the same text on every run', async () => {
    const a = await reader({ resultType: 'markdown' }).loadData(path.join(DATA, 'benefits.md'));
    const b = await reader({ resultType: 'markdown' }).loadData(path.join(DATA, 'benefits.md'));
    assert.deepEqual(a.map((d) => d.text), b.map((d) => d.text));
  });

  it('an ERROR job fails the reader (and ignoreErrors gives no documents)', async () => {
    await fetch(`${lp.url}/__control/faults`, { method: 'POST', body: JSON.stringify({ path: '/api/v1/parsing/upload', job_status: 'ERROR', times: 2 }) });
    await assert.rejects(
      reader({ resultType: 'markdown', ignoreErrors: false }).loadData(path.join(DATA, 'benefits.md')),
      /Failed to parse the file: [0-9a-f-]+, status: ERROR/,
    );
    const docs = await reader({ resultType: 'markdown' }).loadData(path.join(DATA, 'benefits.md'));
    assert.deepEqual(docs, []);
  });

  it('a stuck job keeps the reader polling until it is cancelled', async () => {
    await fetch(`${lp.url}/__control/requests`, { method: 'DELETE' });
    await fetch(`${lp.url}/__control/faults`, { method: 'POST', body: JSON.stringify({ path: '/api/v1/parsing/upload', job_status: 'stuck', times: 1 }) });
    const parsing = reader({ resultType: 'markdown', ignoreErrors: false, backoffPattern: 'constant' }).loadData(path.join(DATA, 'benefits.md'));
    const outcome = parsing.then(() => 'resolved', (e) => e.message);
    let polls = [];
    for (let i = 0; i < 50 && polls.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const { requests } = await (await fetch(`${lp.url}/__control/requests?method=GET`)).json();
      polls = requests.filter((r) => /\/api\/v1\/parsing\/job\/[0-9a-f-]+$/.test(r.path));
    }
    assert.ok(polls.length >= 3, `only ${polls.length} polls`);
    const jobId = polls[0].path.split('/').pop();
    const st = await (await fetch(`${lp.url}/api/v1/parsing/job/${jobId}`, { headers: { authorization: 'Bearer k' } })).json();
    assert.equal(st.status, 'PENDING');
    const cancel = await fetch(`${lp.url}/api/v2/parse/${jobId}/cancel`, { method: 'POST', headers: { authorization: 'Bearer k' } });
    assert.equal(cancel.status, 200);
    assert.match(await outcome, /status: CANCELLED/);
  });
});
