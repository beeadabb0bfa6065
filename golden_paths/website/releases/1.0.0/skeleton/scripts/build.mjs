// Builds the site with no dependencies: each page in src/pages/ is wrapped in src/layout.html
// and written to dist/, and src/static/ is copied beside it. Same input, same bytes.
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

// A page may start with `<!-- title: About -->`; otherwise its file name is its title.
export function parsePage(fileName, source) {
  const name = path.basename(fileName, '.html');
  const match = source.match(/^\s*<!--\s*title:\s*(.+?)\s*-->/);
  return {
    file: `${name}.html`,
    title: match ? match[1] : name,
    body: (match ? source.slice(match[0].length) : source).trim(),
  };
}

export function renderPage(layout, site, page, pages) {
  const nav = pages
    .map((p) => {
      const current = p.file === page.file ? ' aria-current="page"' : '';
      return `<a href="${p.file}"${current}>${escapeHtml(p.title)}</a>`;
    })
    .join('\n        ');
  const values = {
    site_title: escapeHtml(site.title),
    description: escapeHtml(site.description),
    title: escapeHtml(page.title),
    nav,
    content: page.body,
  };
  return layout.replace(/%%(\w+)%%/g, (whole, key) => (key in values ? values[key] : whole));
}

async function copyTree(from, to) {
  await mkdir(to, { recursive: true });
  const entries = await readdir(from, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) await copyTree(source, target);
    else await copyFile(source, target);
  }
}

function byIndexThenName(a, b) {
  if (a === 'index.html' || b === 'index.html') return a === 'index.html' ? -1 : 1;
  return a.localeCompare(b);
}

// Returns the page files written, index.html first.
export async function build({
  src = path.join(root, 'src'),
  out = path.join(root, 'dist'),
  siteFile = path.join(root, 'site.json'),
} = {}) {
  const site = JSON.parse(await readFile(siteFile, 'utf8'));
  const layout = await readFile(path.join(src, 'layout.html'), 'utf8');
  const names = (await readdir(path.join(src, 'pages'))).filter((n) => n.endsWith('.html'));
  const pages = [];
  for (const name of names.sort(byIndexThenName)) {
    pages.push(parsePage(name, await readFile(path.join(src, 'pages', name), 'utf8')));
  }
  await rm(out, { recursive: true, force: true });
  await copyTree(path.join(src, 'static'), path.join(out, 'static'));
  for (const page of pages) {
    await writeFile(path.join(out, page.file), renderPage(layout, site, page, pages));
  }
  return pages.map((p) => p.file);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = await build();
  console.log(`built ${files.length} pages into dist/: ${files.join(', ')}`);
}
