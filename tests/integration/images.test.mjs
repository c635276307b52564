// save_images and take_screenshot: listed in the JSON result's pages and
// v1's webhook, served at result/image/{name} as deterministic PNGs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, startServer } from '../lib/server.mjs';

const DATA = path.join(repoRoot, 'tests', 'data');
const AUTH = { authorization: 'Bearer llx-test' };
let lp;

before(async () => { lp = await startServer('mock_llamaparse', ['--job-delay-ms', '0', '--job-ms-per-page', '0']); });
after(() => lp.stop());

async function job(fields) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  fd.append('file', new Blob([fs.readFileSync(path.join(DATA, 'policy-12pages.pdf'))]), 'policy-12pages.pdf');
  return (await (await fetch(`${lp.url}/api/v1/parsing/upload`, { method: 'POST', headers: AUTH, body: fd })).json()).id;
}
const image = (id, name) => fetch(`${lp.url}/api/v1/parsing/job/${id}/result/image/${name}`, { headers: AUTH });

test('screenshots and images are listed per page and served as PNGs of their listed size', async () => {
  const id = await job({ take_screenshot: 'true', save_images: 'true', target_pages: '2' });
  const js = await (await fetch(`${lp.url}/api/v1/parsing/job/${id}/result/json`, { headers: AUTH })).json();
  const imgs = js.pages[0].images;
  assert.deepEqual(imgs.map((i) => [i.name, i.type]), [['page_3.png', 'full_page_screenshot'], ['img_p2_1.png', null]]);
  for (const img of imgs) {
    const res = await image(id, img.name);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
    assert.deepEqual([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], [img.width, img.height]);
  }
});

test('the same page gives the same bytes; other pages other pictures', async () => {
  const a = await job({ take_screenshot: 'true' });
  const b = await job({ take_screenshot: 'true' });
  const bytes = async (id, n) => Buffer.from(await (await image(id, n)).arrayBuffer());
  assert.deepEqual(await bytes(a, 'page_1.png'), await bytes(b, 'page_1.png'));
  assert.notDeepEqual(await bytes(a, 'page_1.png'), await bytes(a, 'page_2.png'));
});

test('no images unless asked; unknown names and pages are 404 in the API format', async () => {
  const plain = await job({});
  const js = await (await fetch(`${lp.url}/api/v1/parsing/job/${plain}/result/json`, { headers: AUTH })).json();
  assert.deepEqual(js.pages[0].images, []);
  for (const name of ['page_1.png', 'img_p0_1.png']) assert.equal((await image(plain, name)).status, 404);
  const shots = await job({ take_screenshot: 'true', target_pages: '0' });
  for (const name of ['page_2.png', 'page_1.png.x', 'img_p0_1.png', '..']) {
    const res = await image(shots, name);
    assert.equal(res.status, 404, name);
    assert.equal(typeof (await res.json()).detail, 'string');
  }
  assert.equal((await image('00000000-0000-4000-8000-000000000000', 'page_1.png')).status, 404);
});
