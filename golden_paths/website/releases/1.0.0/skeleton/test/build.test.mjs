// Tests for the site build, run with Node's built-in runner: `npm test` (node --test).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { build, escapeHtml, parsePage, root } from '../scripts/build.mjs';

async function buildInto(t) {
  const out = await mkdtemp(path.join(os.tmpdir(), '{{ values.name }}-'));
  t.after(() => rm(out, { recursive: true, force: true }));
  const files = await build({ out });
  return { out, files };
}

test('builds every page, home first', async (t) => {
  const { out, files } = await buildInto(t);
  assert.deepEqual(files, ['index.html', 'about.html']);
  for (const file of files) assert.ok(existsSync(path.join(out, file)), file);
});

test('pages carry the site title, description and navigation', async (t) => {
  const { out, files } = await buildInto(t);
  const site = JSON.parse(await readFile(path.join(root, 'site.json'), 'utf8'));
  for (const file of files) {
    const html = await readFile(path.join(out, file), 'utf8');
    assert.match(html, /^<!doctype html>/);
    assert.ok(html.includes(`<title>`), file);
    assert.ok(html.includes(escapeHtml(site.title)), `${file} names the site`);
    assert.ok(html.includes(`content="${escapeHtml(site.description)}"`), `${file} has a description`);
    assert.ok(html.includes(`<a href="${file}" aria-current="page">`), `${file} marks itself in the nav`);
    assert.doesNotMatch(html, /%%\w+%%/, `${file} has no unfilled placeholder`);
  }
});

test('every local link and asset resolves', async (t) => {
  const { out, files } = await buildInto(t);
  for (const file of files) {
    const html = await readFile(path.join(out, file), 'utf8');
    for (const [, target] of html.matchAll(/(?:href|src)="([^"]+)"/g)) {
      if (/^(?:[a-z]+:|#|\/\/)/.test(target)) continue;
      assert.ok(existsSync(path.join(out, target.split('#')[0])), `${file} links to missing ${target}`);
    }
  }
});

test('the build is deterministic', async (t) => {
  const first = await buildInto(t);
  const second = await buildInto(t);
  for (const file of first.files) {
    const a = await readFile(path.join(first.out, file), 'utf8');
    const b = await readFile(path.join(second.out, file), 'utf8');
    assert.equal(a, b, file);
  }
});

test('escapeHtml escapes markup', () => {
  assert.equal(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`), '&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;');
});

test('parsePage reads the title comment or falls back to the file name', () => {
  assert.deepEqual(parsePage('about.html', '<!-- title: About us -->\n<h1>Hi</h1>\n'), {
    file: 'about.html',
    title: 'About us',
    body: '<h1>Hi</h1>',
  });
  assert.equal(parsePage('contact.html', '<p>Write to us</p>').title, 'contact');
});
