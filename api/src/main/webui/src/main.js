// The filestore web interface: a single page, routed by the URL's fragment (#/files, #/file/<id>, ...), that
// calls only the JSON API under /api (and /s/ for public links).
import { api, query, listOf, session, signIn, signOut, whenUnauthorized, ApiError } from './api.js';
import { h, add, highlighted, formatBytes, formatDate, toast, clear } from './dom.js';
import { UploadQueue } from './uploads.js';

const PAGE = 50;
const PREVIEW_LIMIT = 50 * 1024 * 1024;
const TEXT_PREVIEW_BYTES = 256 * 1024;
const app = document.getElementById('app');
let main;
let searchBox;
let uploads;
let renderId = 0;

// ---------------------------------------------------------------------------------------------------------------
// routing

function route() {
  const raw = location.hash.replace(/^#/, '') || '/files';
  const [path, qs] = raw.split('?');
  return { path, parts: path.split('/').filter(Boolean), params: new URLSearchParams(qs || '') };
}

export function go(path, params = {}, replace = false) {
  const target = `#${path}${query(params)}`;
  if (replace) history.replaceState(null, '', target);
  else location.hash = target;
  if (replace) render();
}

window.addEventListener('hashchange', render);
whenUnauthorized(() => {
  toast('Your session ended: please sign in again', true);
  render();
});

async function render() {
  const r = route();
  if (r.parts[0] === 's' && r.parts[1]) {
    publicLinkPage(r.parts[1]);
    return;
  }
  if (!session()) {
    signInPage();
    return;
  }
  if (!main) layout();
  const id = ++renderId;
  for (const a of document.querySelectorAll('nav.side a')) {
    a.toggleAttribute('aria-current', false);
    if (a.dataset.route === r.parts.slice(0, a.dataset.route.split('/').length).join('/')) a.setAttribute('aria-current', 'page');
  }
  const view = h('div');
  try {
    const [first, second] = r.parts;
    if (first === 'files' || !first) await filesPage(view, r.params);
    else if (first === 'shared') await sharedPage(view, r.params);
    else if (first === 'trash') await trashPage(view);
    else if (first === 'search') await searchPage(view, r.params);
    else if (first === 'file' && second) await filePage(view, decodeURIComponent(second));
    else if (first === 'admin' && second === 'users') await usersPage(view);
    else if (first === 'admin' && second === 'backups') await backupsPage(view);
    else if (first === 'admin' && second === 'status') await statusPage(view);
    else add(view, h('p', {}, 'No such page. ', h('a', { href: '#/files' }, 'Your files')));
  } catch (e) {
    add(view, h('p', { class: 'error', role: 'alert' }, `Could not load this page: ${e.message}`));
  }
  if (id !== renderId) return;
  add(clear(main), view);
  if (r.parts[0] !== 'search' && searchBox) searchBox.value = '';
}

// ---------------------------------------------------------------------------------------------------------------
// sign in, layout

function signInPage() {
  main = null;
  const error = h('p', { class: 'error', role: 'alert' });
  const user = h('input', { name: 'user', id: 'signin-user', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input', { name: 'password', id: 'signin-password', type: 'password', autocomplete: 'current-password', required: true });
  const button = h('button', { class: 'primary', type: 'submit', id: 'signin-submit' }, 'Sign in');
  const form = h('form', {
    class: 'panel signin',
    onsubmit: async (ev) => {
      ev.preventDefault();
      button.disabled = true;
      error.textContent = '';
      try {
        await signIn(user.value.trim(), password.value);
        render();
      } catch (e) {
        error.textContent = e.status === 401 ? 'Wrong user name or password.'
          : e.status === 429 ? 'Too many wrong passwords: wait a moment and try again.' : e.message;
        button.disabled = false;
      }
    },
  }, h('h1', {}, 'filestore'), h('label', {}, h('span', {}, 'User'), user),
  h('label', {}, h('span', {}, 'Password'), password), button, error);
  add(clear(app), form);
  user.focus();
}

function layout() {
  const s = session();
  const me = s.me || {};
  searchBox = h('input', {
    type: 'search', id: 'search', placeholder: 'Search files (/)', 'aria-label': 'Search files', autocomplete: 'off',
  });
  let timer;
  searchBox.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const r = route();
      const params = r.parts[0] === 'search' ? Object.fromEntries(r.params) : {};
      params.q = searchBox.value;
      delete params.offset;
      go('/search', params, r.parts[0] === 'search');
    }, 250);
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.key === '/' && !['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement.tagName)) {
      ev.preventDefault();
      searchBox.focus();
    }
  });
  const admin = me.systemAdmin ? [h('h3', {}, 'Administration'),
    h('a', { href: '#/admin/users', 'data-route': 'admin/users' }, 'Users'),
    h('a', { href: '#/admin/backups', 'data-route': 'admin/backups' }, 'Backups'),
    h('a', { href: '#/admin/status', 'data-route': 'admin/status' }, 'Projections & index')] : [];
  main = h('main', { id: 'main', tabindex: '-1' });
  uploads = new UploadQueue(() => {
    const r = route();
    if (r.parts[0] === 'files' || !r.parts[0]) refreshSoon();
  });
  add(clear(app), 
    h('header', { class: 'top' },
      h('a', { class: 'brand', href: '#/files' }, 'filestore'), searchBox,
      h('span', { class: 'who', id: 'who' }, me.displayName || s.user),
      h('button', { type: 'button', id: 'signout', onclick: async () => { await signOut(); main = null; location.hash = ''; render(); } }, 'Sign out')),
    h('div', { class: 'layout' },
      h('nav', { class: 'side', 'aria-label': 'sections' },
        h('a', { href: '#/files', 'data-route': 'files' }, 'My files'),
        h('a', { href: '#/shared', 'data-route': 'shared' }, 'Shared with me'),
        h('a', { href: '#/trash', 'data-route': 'trash' }, 'Trash'),
        admin),
      h('div', { style: 'flex:1;min-width:0' }, uploads.panel, main)));
}

let refreshTimer;
function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(render, 300);
}

// ---------------------------------------------------------------------------------------------------------------
// lists of files

const SORTS = [['createdAt:desc', 'Newest'], ['createdAt:asc', 'Oldest'], ['name:asc', 'Name A-Z'],
  ['name:desc', 'Name Z-A'], ['size:desc', 'Largest'], ['size:asc', 'Smallest'], ['updatedAt:desc', 'Recently changed']];

function sortSelect(current, onchange, withRelevance = false) {
  const options = withRelevance ? [['relevance:desc', 'Relevance'], ...SORTS] : SORTS;
  return h('label', { class: 'inline' }, h('span', {}, 'Sort'),
    h('select', { id: 'sort', onchange: (ev) => onchange(ev.target.value) },
      options.map(([v, t]) => h('option', { value: v, selected: v === current }, t))));
}

function fileTable(files, { highlights = false, actions } = {}) {
  if (!files.length) return h('p', { class: 'muted', id: 'empty' }, 'Nothing here.');
  return h('table', { class: 'files' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', { class: 'num' }, 'Size'),
      h('th', { class: 'hide-narrow' }, 'Type'), h('th', { class: 'hide-narrow' }, 'Changed'), actions ? h('th', {}, '') : null)),
    h('tbody', {}, files.map((f) => {
      const md = f.metadata || {};
      const nameHtml = highlights && f.highlights && f.highlights.name ? highlighted(f.highlights.name[0]) : f.name;
      const desc = highlights && f.highlights && f.highlights.description ? highlighted(f.highlights.description[0]) : null;
      return h('tr', { 'data-file-id': f.fileId },
        h('td', {}, h('a', { href: `#/file/${encodeURIComponent(f.fileId)}`, class: 'file-link' }, nameHtml),
          desc ? h('div', { class: 'muted' }, desc) : null,
          (md.tags || []).length ? h('div', {}, md.tags.map((t) => h('span', { class: 'tag' }, t))) : null,
          highlights && md.folder && md.folder !== '/' ? h('div', { class: 'muted' }, md.folder) : null),
        h('td', { class: 'num' }, formatBytes(f.size)),
        h('td', { class: 'hide-narrow' }, f.mimeType || ''),
        h('td', { class: 'hide-narrow' }, formatDate(f.updatedAt || f.deletedAt || f.createdAt)),
        actions ? h('td', {}, actions(f)) : null);
    })));
}

function pager(pagination, offset, onPage) {
  if (!pagination) return null;
  const total = pagination.total ?? 0;
  const limit = pagination.limit || PAGE;
  return h('div', { class: 'pager' },
    h('button', { type: 'button', disabled: offset <= 0, onclick: () => onPage(Math.max(0, offset - limit)) }, 'Previous'),
    h('span', { class: 'muted', id: 'page-info' },
      total ? `${offset + 1}-${Math.min(offset + limit, total)} of ${pagination.totalExact === false ? 'about ' : ''}${total}${pagination.totalRelation === 'gte' ? '+' : ''}` : '0'),
    h('button', { type: 'button', disabled: !pagination.hasMore, onclick: () => onPage(offset + limit) }, 'Next'));
}

async function filesPage(view, params) {
  const folder = params.get('folder') || '/';
  const sort = params.get('sort') || 'createdAt:desc';
  const offset = Number(params.get('offset') || 0);
  const nav = (p) => go('/files', { folder: folder === '/' ? '' : folder, sort: sort === 'createdAt:desc' ? '' : sort, ...p });
  // folders and sorting come from the search index; while it is unavailable (503), the plain listing from
  // PostgreSQL still shows every file, newest first
  let degraded = false;
  const [listing, tree] = await Promise.all([
    api('GET', `/api/files${query({ folder, recursive: 'false', sort, limit: PAGE, offset })}`).catch((e) => {
      if (!(e instanceof ApiError) || e.status !== 503) throw e;
      degraded = true;
      return api('GET', `/api/files${query({ limit: PAGE, offset })}`);
    }),
    api('GET', `/api/files${query({ folder, recursive: 'true', facets: 'folder', facetSize: 100, limit: 1 })}`).catch(() => null),
  ]);
  const children = new Set();
  for (const f of ((tree && tree.facets && tree.facets.folder) || [])) {
    const value = f.value;
    const prefix = folder === '/' ? '/' : `${folder}/`;
    if (value.startsWith(prefix) && value !== folder) {
      children.add(value.slice(prefix.length).split('/')[0]);
    }
  }
  const crumbs = [h('a', { href: '#/files' }, 'My files')];
  let acc = '';
  for (const part of folder.split('/').filter(Boolean)) {
    acc += `/${part}`;
    crumbs.push(' / ', h('a', { href: `#/files${query({ folder: acc })}` }, part));
  }
  const picker = h('input', { type: 'file', multiple: true, id: 'file-picker', class: 'visually-hidden', tabindex: -1,
    onchange: (ev) => { uploads.add([...ev.target.files], folder); ev.target.value = ''; } });
  const drop = h('div', { class: 'dropzone', id: 'dropzone' }, 'Drop files here to upload them into ',
    h('strong', {}, folder), ', or ', h('button', { type: 'button', id: 'upload-button', onclick: () => picker.click() }, 'choose files'), picker);
  drop.addEventListener('dragover', (ev) => { ev.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (ev) => {
    ev.preventDefault();
    drop.classList.remove('over');
    uploads.add([...ev.dataTransfer.files], folder);
  });
  const newFolder = h('button', { type: 'button', onclick: async () => {
    const name = await ask('New folder', 'Folder name (it appears once a file is in it)');
    if (name) go('/files', { folder: `${folder === '/' ? '' : folder}/${name.replace(/\//g, '')}` });
  } }, 'New folder');
  add(view, 
    h('div', { class: 'toolbar' }, h('h1', { class: 'crumbs grow', style: 'font-size:1.2em;margin:0' }, crumbs),
      newFolder, sortSelect(sort, (v) => nav({ sort: v }))),
    drop,
    degraded ? h('p', { class: 'error', role: 'status' }, 'Search is unavailable right now: all your files are shown, newest first, without folders.') : null,
    children.size ? h('div', { class: 'folders', 'aria-label': 'folders' }, [...children].sort().map((c) =>
      h('a', { href: `#/files${query({ folder: `${folder === '/' ? '' : folder}/${c}`, sort: sort === 'createdAt:desc' ? '' : sort })}` }, `📁 ${c}`))) : null,
    h('div', { class: 'panel' }, fileTable(listing.files || []), pager(listing.pagination, offset, (o) => nav({ offset: o || '' }))));
}

async function sharedPage(view, params) {
  const offset = Number(params.get('offset') || 0);
  const data = await api('GET', `/api/files/shared${query({ limit: PAGE, offset })}`);
  add(view, h('h1', { style: 'font-size:1.2em' }, 'Shared with me'),
    h('div', { class: 'panel' }, fileTable(listOf(data, 'files')), pager(data.pagination, offset, (o) => go('/shared', { offset: o || '' }))));
}

async function trashPage(view) {
  const data = await api('GET', '/api/trash');
  const files = listOf(data, 'files');
  add(view, h('h1', { style: 'font-size:1.2em' }, 'Trash'),
    h('p', { class: 'muted' }, 'Trashed files are purged automatically after the retention period.'),
    h('div', { class: 'panel' }, fileTable(files, { actions: (f) => [
      h('button', { type: 'button', class: 'restore', onclick: async () => {
        await act(() => api('POST', `/api/trash/${f.fileId}/restore`), `${f.name} restored`);
        render();
      } }, 'Restore'), ' ',
      h('button', { type: 'button', class: 'danger', onclick: async () => {
        if (await confirmDialog(`Delete ${f.name} for good? This cannot be undone.`, 'Purge')) {
          await act(() => api('DELETE', `/api/trash/${f.fileId}`), `${f.name} purged`);
          render();
        }
      } }, 'Purge')] })));
}

// ---------------------------------------------------------------------------------------------------------------
// search

const FILTERS = ['mimeType', 'tags', 'folder', 'minSize', 'maxSize', 'updatedAfter', 'updatedBefore'];

async function searchPage(view, params) {
  const q = params.get('q') || '';
  if (searchBox && document.activeElement !== searchBox) searchBox.value = q;
  const offset = Number(params.get('offset') || 0);
  const sort = params.get('sort') || (q ? 'relevance:desc' : 'createdAt:desc');
  const filters = {};
  for (const f of FILTERS) if (params.get(f)) filters[f] = params.get(f);
  const set = (changes) => {
    const next = { q, sort: params.get('sort') || '', ...filters, ...changes };
    if (!('offset' in changes)) delete next.offset;
    go('/search', next);
  };
  let data;
  const common = { ...filters, sort: sort === 'relevance:desc' && !q ? '' : sort, limit: PAGE, offset, facets: 'mimeType,tags,folder' };
  if (q.trim()) data = await api('GET', `/api/files/search${query({ q: q.trim(), ...common })}`);
  else if (Object.keys(filters).length) data = await api('GET', `/api/files${query({ ...common })}`);
  else data = await api('GET', `/api/files${query({ ...common, sort: sort === 'relevance:desc' ? 'createdAt:desc' : sort })}`);
  const facets = data.facets || {};
  const facetBox = (name, label) => h('fieldset', {}, h('legend', {}, label),
    filters[name] ? h('div', {}, h('button', { type: 'button', onclick: () => set({ [name]: '' }) }, `✕ ${filters[name]}`)) : null,
    (facets[name] || []).slice(0, 10).map((v) => h('div', {},
      h('a', { href: '#', class: `facet facet-${name}`, onclick: (ev) => { ev.preventDefault(); set({ [name]: v.value }); } }, v.value),
      h('span', { class: 'muted' }, ` ${v.count}`))));
  const dateInput = (name, label) => h('label', {}, h('span', {}, label),
    h('input', { type: 'date', value: (filters[name] || '').slice(0, 10), onchange: (ev) => set({ [name]: ev.target.value }) }));
  const sizeInput = (name, label) => h('label', {}, h('span', {}, `${label} (MiB)`),
    h('input', { type: 'number', min: 0, step: 'any', style: 'width:7em', value: filters[name] ? Number(filters[name]) / 1048576 : '',
      onchange: (ev) => set({ [name]: ev.target.value === '' ? '' : Math.round(Number(ev.target.value) * 1048576) }) }));
  add(view, 
    h('div', { class: 'toolbar' }, h('h1', { class: 'grow', style: 'font-size:1.2em;margin:0' },
      q ? ['Results for ', h('q', {}, q)] : 'Filter files'),
    sortSelect(sort, (v) => set({ sort: v }), !!q)),
    h('details', { class: 'panel', open: window.innerWidth > 700 }, h('summary', {}, 'Filters'),
      h('div', { class: 'facets', id: 'facets' }, facetBox('mimeType', 'Type'), facetBox('tags', 'Tags'), facetBox('folder', 'Folder'),
        h('fieldset', {}, h('legend', {}, 'Size'), sizeInput('minSize', 'at least'), sizeInput('maxSize', 'at most')),
        h('fieldset', {}, h('legend', {}, 'Changed'), dateInput('updatedAfter', 'from'), dateInput('updatedBefore', 'before')))),
    h('div', { class: 'panel', id: 'results' }, fileTable(data.files || [], { highlights: true }),
      pager(data.pagination, offset, (o) => set({ offset: o || '' }))));
}

// ---------------------------------------------------------------------------------------------------------------
// a file's page

async function filePage(view, id) {
  const file = await api('GET', `/api/files/${encodeURIComponent(id)}`);
  const me = session().me || {};
  const perms = file.permissions || {};
  const mine = file.owner === session().user || me.systemAdmin;
  const principal = `user:${session().user}`;
  const groups = (me.groups || []).map((g) => `group:${g}`);
  const has = (list) => mine || (list || []).some((p) => p === principal || groups.includes(p));
  const canAdmin = has(perms.admin);
  const canWrite = canAdmin || has(perms.write);
  const md = file.metadata || {};
  const versionInput = h('input', { type: 'file', class: 'visually-hidden', tabindex: -1, id: 'new-version-picker', onchange: async (ev) => {
    const f = ev.target.files[0];
    if (!f) return;
    await act(() => api('PUT', `/api/files/${id}${query({ name: file.name })}`, { raw: true,
      headers: { 'Content-Type': f.type || 'application/octet-stream' }, body: f }), 'New version uploaded');
    render();
  } });
  add(view, 
    h('div', { class: 'toolbar' },
      h('h1', { class: 'grow', id: 'file-name', style: 'font-size:1.3em;margin:0;word-break:break-all' }, file.name),
      h('button', { type: 'button', id: 'download', onclick: () => download(file, null) }, 'Download'),
      canWrite ? h('button', { type: 'button', onclick: () => versionInput.click() }, 'New version') : null, versionInput,
      canAdmin ? h('button', { type: 'button', id: 'share-button', onclick: () => shareDialog(file) }, 'Share') : null,
      canAdmin ? h('button', { type: 'button', class: 'danger', id: 'trash-button', onclick: async () => {
        if (await confirmDialog(`Move ${file.name} to the trash?`, 'Move to trash')) {
          await act(() => api('DELETE', `/api/files/${id}`), `${file.name} moved to the trash`);
          history.back();
        }
      } }, 'Move to trash') : null),
    h('p', { class: 'muted' }, `${formatBytes(file.size)} · ${file.mimeType} · version ${file.version} · owner ${file.owner}`
      + ` · changed ${formatDate(file.updatedAt)}`, md.folder && md.folder !== '/' ? [' · in ', h('a', { href: `#/files${query({ folder: md.folder })}` }, md.folder)] : null),
    h('section', { class: 'panel', 'aria-label': 'preview' }, preview(file)),
    h('div', { class: 'grid2' },
      h('section', { class: 'panel' }, h('h2', { style: 'font-size:1.05em;margin-top:0' }, 'Details'), metadataForm(file, canWrite)),
      h('section', { class: 'panel', id: 'versions' }, h('h2', { style: 'font-size:1.05em;margin-top:0' }, 'Versions'), lazy(() => versionsList(file, canWrite)))),
    canAdmin ? h('section', { class: 'panel', id: 'shares' }, h('h2', { style: 'font-size:1.05em;margin-top:0' }, 'Shares'), lazy(() => sharesList(file))) : null,
    h('section', { class: 'panel', id: 'history' }, h('h2', { style: 'font-size:1.05em;margin-top:0' }, 'History'), lazy(() => historyList(file))));
}

function lazy(load) {
  const box = h('div', {}, h('span', { class: 'muted' }, 'Loading…'));
  load().then((content) => add(clear(box), content)).catch((e) => add(clear(box), 
    h('span', { class: e.status === 403 ? 'muted' : 'error' }, e.status === 403 ? 'Only the owner and administrators see this.' : e.message)));
  return box;
}

/** A URL for the content that needs no Authorization header: a signed delivery URL, else a Blob URL (bounded). */
async function contentUrl(file, wanted, forDownload = false) {
  const version = wanted || file.version;
  try {
    const d = await api('POST', `/api/files/${file.fileId}/delivery-url`, { json: { expiresInSeconds: 3600, version } });
    if (d && d.url) return { url: d.url, signed: true };
  } catch (e) {
    if (!(e instanceof ApiError) || ![404, 405].includes(e.status)) throw e;
  }
  if (!forDownload && file.size > PREVIEW_LIMIT) return null;
  const response = await api('GET', `/api/files/${file.fileId}/download${query({ version })}`, { raw: true });
  const blob = await response.blob();
  return { url: URL.createObjectURL(new Blob([blob], { type: file.mimeType })), blob: true };
}

async function download(file, version) {
  try {
    const c = await contentUrl(file, version, true);
    const a = h('a', { href: c.url, download: file.name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    if (c.blob) setTimeout(() => URL.revokeObjectURL(c.url), 60000);
  } catch (e) {
    toast(`Download failed: ${e.message}`, true);
  }
}

function preview(file) {
  const type = (file.mimeType || '').toLowerCase();
  const box = h('div', { class: 'preview', id: 'preview' });
  const isText = type.startsWith('text/') || /json|xml|javascript|yaml|csv|x-sh/.test(type);
  const media = type.startsWith('image/') ? 'img' : type.startsWith('video/') ? 'video' : type.startsWith('audio/') ? 'audio'
    : type === 'application/pdf' ? 'pdf' : null;
  if (isText) {
    api('GET', `/api/files/${file.fileId}/download`, { raw: true, headers: { Range: `bytes=0-${TEXT_PREVIEW_BYTES - 1}` } })
      .then((r) => r.text())
      .then((text) => add(box, h('pre', { id: 'text-preview' }, text),
        file.size > TEXT_PREVIEW_BYTES ? h('p', { class: 'muted' }, `First ${formatBytes(TEXT_PREVIEW_BYTES)} shown.`) : null))
      .catch((e) => add(box, h('p', { class: 'error' }, e.message)));
  } else if (media) {
    contentUrl(file, null).then((c) => {
      if (!c) {
        add(box, h('p', { class: 'muted' }, `Too large to preview without streaming (${formatBytes(file.size)}). `),
          h('button', { type: 'button', onclick: () => download(file, null) }, 'Download'));
        return;
      }
      if (media === 'img') add(box, h('img', { src: c.url, alt: file.name, id: 'image-preview' }));
      else if (media === 'video') add(box, h('video', { src: c.url, controls: true, preload: 'metadata', id: 'video-preview' }));
      else if (media === 'audio') add(box, h('audio', { src: c.url, controls: true, preload: 'metadata', id: 'audio-preview' }));
      else add(box, h('iframe', { src: c.url, title: file.name, id: 'pdf-preview' }));
    }).catch((e) => add(box, h('p', { class: 'error' }, e.message)));
  } else {
    add(box, h('p', { class: 'muted' }, `No preview for ${file.mimeType}.`));
  }
  return box;
}

function metadataForm(file, canWrite) {
  const md = file.metadata || {};
  const attrs = md.attributes || {};
  const name = h('input', { name: 'name', value: file.name, id: 'md-name' });
  const description = h('textarea', { name: 'description', rows: 3, id: 'md-description' }, md.description || '');
  const tags = h('input', { name: 'tags', value: (md.tags || []).join(', '), id: 'md-tags' });
  const folder = h('input', { name: 'folder', value: md.folder || '/', id: 'md-folder' });
  const attributes = h('textarea', { name: 'attributes', rows: 3, id: 'md-attributes', placeholder: 'key=value, one a line' },
    Object.entries(attrs).map(([k, v]) => `${k}=${v}`).join('\n'));
  const fields = [name, description, tags, folder, attributes];
  if (!canWrite) fields.forEach((f) => f.setAttribute('readonly', ''));
  return h('form', { id: 'metadata-form', onsubmit: async (ev) => {
    ev.preventDefault();
    const nextAttrs = {};
    for (const line of attributes.value.split('\n')) {
      const i = line.indexOf('=');
      if (i > 0) nextAttrs[line.slice(0, i).trim()] = line.slice(i + 1).trim();
    }
    for (const k of Object.keys(attrs)) if (!(k in nextAttrs)) nextAttrs[k] = null;
    const body = { description: description.value, tags: tags.value.split(',').map((t) => t.trim()).filter(Boolean),
      folder: folder.value.trim() || '/', attributes: nextAttrs };
    if (name.value.trim() !== file.name) body.name = name.value.trim();
    if (await act(() => api('POST', `/api/files/${file.fileId}/metadata`, { json: body }), 'Saved')) render();
  } },
  h('label', {}, h('span', {}, 'Name'), name), h('label', {}, h('span', {}, 'Description'), description),
  h('label', {}, h('span', {}, 'Tags (comma-separated)'), tags), h('label', {}, h('span', {}, 'Folder'), folder),
  h('label', {}, h('span', {}, 'Attributes'), attributes),
  h('p', { class: 'muted mono' }, file.checksum),
  canWrite ? h('button', { type: 'submit', class: 'primary', id: 'md-save' }, 'Save') : null);
}

async function versionsList(file, canWrite) {
  const data = await api('GET', `/api/files/${file.fileId}/versions`);
  const versions = listOf(data, 'versions');
  return h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Version'), h('th', { class: 'num' }, 'Size'), h('th', {}, 'When, who'), h('th', {}, ''))),
    h('tbody', {}, versions.map((v) => h('tr', { 'data-version': v.version },
      h('td', {}, `v${v.version}`, v.version === file.version ? h('span', { class: 'muted' }, ' (current)') : null,
        v.restoredFrom ? h('div', { class: 'muted' }, `rollback to v${v.restoredFrom}`) : null,
        v.changeLog ? h('div', { class: 'muted' }, v.changeLog) : null),
      h('td', { class: 'num' }, formatBytes(v.size)),
      h('td', {}, formatDate(v.uploadedAt), h('div', { class: 'muted' }, v.uploadedBy || '')),
      h('td', {}, h('button', { type: 'button', onclick: () => download(file, v.version) }, 'Download'), ' ',
        canWrite && v.version !== file.version ? h('button', { type: 'button', class: 'rollback', onclick: async () => {
          if (await confirmDialog(`Make version ${v.version} the current one? (A new version is added; nothing is lost.)`, 'Roll back')) {
            if (await act(() => api('POST', `/api/files/${file.fileId}/versions/${v.version}/restore`), `Rolled back to v${v.version}`)) render();
          }
        } }, 'Roll back') : null)))));
}

async function historyList(file) {
  const data = await api('GET', `/api/files/${file.fileId}/history?limit=50`);
  const entries = listOf(data, 'entries', 'history');
  if (!entries.length) return h('p', { class: 'muted' }, 'No entries yet.');
  return h('table', {}, h('tbody', {}, entries.map((e) => h('tr', {},
    h('td', {}, formatDate(e.at)), h('td', {}, e.actor), h('td', {}, e.action),
    h('td', { class: 'muted mono' }, e.details && Object.keys(e.details).length ? JSON.stringify(e.details) : '')))));
}

async function sharesList(file) {
  const data = await api('GET', `/api/files/${file.fileId}/shares`);
  const shares = listOf(data, 'shares');
  if (!shares.length) return h('p', { class: 'muted', id: 'no-shares' }, 'Not shared.');
  return h('table', {}, h('tbody', {}, shares.map((s) => h('tr', { 'data-share-id': s.shareId },
    h('td', {}, s.type === 'link' ? 'Public link' : s.grantee, s.passwordProtected ? ' 🔒' : ''),
    h('td', {}, s.role || (s.permissions || []).join(', ')),
    h('td', { class: 'muted' }, s.expiresAt ? `until ${formatDate(s.expiresAt)}` : 'no expiry',
      s.maxDownloads ? ` · ${s.downloads ?? 0}/${s.maxDownloads} downloads` : ''),
    h('td', {}, h('button', { type: 'button', class: 'danger revoke', onclick: async () => {
      if (await confirmDialog('Revoke this share? It stops working at once.', 'Revoke')) {
        if (await act(() => api('DELETE', `/api/files/${file.fileId}/share/${s.shareId}`), 'Revoked')) render();
      }
    } }, 'Revoke'))))));
}

function shareDialog(file) {
  const kind = h('select', { id: 'share-kind' }, h('option', { value: 'link' }, 'Public link'),
    h('option', { value: 'user' }, 'A user'), h('option', { value: 'group' }, 'A group'));
  const who = h('input', { id: 'share-who', placeholder: 'user or group id' });
  const role = h('select', { id: 'share-role' }, ['viewer', 'editor', 'admin'].map((r) => h('option', { value: r }, r)));
  const password = h('input', { id: 'share-password', type: 'password', autocomplete: 'new-password' });
  const maxDownloads = h('input', { id: 'share-max', type: 'number', min: 1, max: 1000000 });
  const expires = h('input', { id: 'share-expires', type: 'datetime-local' });
  const result = h('div', { id: 'share-result' });
  const forPeople = h('div', {}, h('label', {}, h('span', {}, 'User or group id'), who), h('label', {}, h('span', {}, 'Role'), role));
  const forLink = h('div', {}, h('label', {}, h('span', {}, 'Password (optional)'), password),
    h('label', {}, h('span', {}, 'Download limit (optional)'), maxDownloads));
  const sync = () => { forPeople.hidden = kind.value === 'link'; forLink.hidden = kind.value !== 'link'; };
  kind.addEventListener('change', sync);
  sync();
  const dialog = h('dialog', { id: 'share-dialog', 'aria-label': 'Share' });
  const form = h('form', { onsubmit: async (ev) => {
    ev.preventDefault();
    const body = {};
    if (kind.value === 'link') {
      body.public = true;
      if (password.value) body.password = password.value;
      if (maxDownloads.value) body.maxDownloads = Number(maxDownloads.value);
    } else {
      body[kind.value === 'user' ? 'userId' : 'groupId'] = who.value.trim();
      body.role = role.value;
    }
    if (expires.value) body.expiresAt = new Date(expires.value).toISOString();
    try {
      const share = await api('POST', `/api/files/${file.fileId}/share`, { json: body });
      clear(result);
      if (share.token) {
        const page = `${location.origin}/#/s/${share.token}`;
        const direct = `${location.origin}${share.url}/download`;
        const field = h('input', { id: 'share-link', value: page, readonly: true, style: 'width:100%' });
        add(result, h('p', { class: 'ok' }, 'Link created. It is shown only now:'), field,
          h('button', { type: 'button', id: 'copy-link', onclick: async () => {
            field.select();
            try { await navigator.clipboard.writeText(page); } catch { document.execCommand('copy'); }
            toast('Link copied');
          } }, 'Copy link'),
          h('p', { class: 'muted' }, 'Direct download (for scripts): ', h('code', { id: 'share-direct' }, direct)));
      } else {
        add(result, h('p', { class: 'ok' }, `Shared with ${share.grantee} as ${share.role}.`));
      }
    } catch (e) {
      add(clear(result), h('p', { class: 'error', role: 'alert' }, e.message));
    }
  } },
  h('h2', { style: 'margin-top:0;font-size:1.1em' }, `Share ${file.name}`),
  h('label', {}, h('span', {}, 'With'), kind), forPeople, forLink,
  h('label', {}, h('span', {}, 'Expires (optional)'), expires),
  h('div', { class: 'toolbar' }, h('button', { type: 'submit', class: 'primary', id: 'share-submit' }, 'Share'),
    h('button', { type: 'button', onclick: () => { dialog.close(); render(); } }, 'Close')), result);
  add(dialog, form);
  dialog.addEventListener('close', () => { dialog.remove(); });
  document.body.append(dialog);
  dialog.showModal();
}

// ---------------------------------------------------------------------------------------------------------------
// a public link (no account: the page works without a session)

async function publicLinkPage(token) {
  main = null;
  const box = h('div', { class: 'panel signin', id: 'public-link' }, h('p', { class: 'muted' }, 'Loading…'));
  add(clear(app), box);
  const path = `/s/${encodeURIComponent(token)}`;
  const withPassword = (pw) => (pw === null ? {} : { 'X-Share-Password': pw });
  const problemText = async (r) => {
    const p = await r.json().catch(() => null);
    return r.status === 429 ? 'Too many wrong passwords: try again later.' : (p && (p.detail || p.error)) || `HTTP ${r.status}`;
  };
  const status = h('p', { role: 'status', id: 'link-status' });
  const fetchFile = async (info, pw) => {
    status.textContent = 'Downloading…';
    const r = await fetch(`${path}/download`, { headers: withPassword(pw) });
    if (!r.ok) {
      status.textContent = await problemText(r);
      return;
    }
    const url = URL.createObjectURL(await r.blob());
    const a = h('a', { href: url, download: info.name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    status.textContent = 'Downloaded.';
  };
  const show = (info, pw) => {
    add(clear(box), h('h1', { style: 'font-size:1.2em;word-break:break-all', id: 'link-name' }, info.name),
      h('p', { class: 'muted' }, `${formatBytes(info.size)} · ${info.mimeType}`,
        info.expiresAt ? ` · until ${formatDate(info.expiresAt)}` : '',
        info.downloadsRemaining !== undefined ? ` · ${info.downloadsRemaining} downloads left` : ''),
      h('button', { type: 'button', class: 'primary', id: 'link-download', onclick: () => fetchFile(info, pw) }, 'Download'),
      status);
  };
  const first = await fetch(path, { headers: { Accept: 'application/json' } });
  if (first.ok) {
    const body = await first.json();
    show(body.data || body, null);
    return;
  }
  if (first.status !== 401) {
    add(clear(box), h('h1', { style: 'font-size:1.2em' }, 'This link does not work'),
      h('p', { class: 'error' }, await problemText(first)));
    return;
  }
  const password = h('input', { type: 'password', id: 'link-password', autocomplete: 'off', required: true });
  add(clear(box), h('h1', { style: 'font-size:1.2em' }, 'A file was shared with you'),
    h('form', { onsubmit: async (ev) => {
      ev.preventDefault();
      const r = await fetch(path, { headers: { Accept: 'application/json', ...withPassword(password.value) } });
      if (r.status === 401) {
        status.textContent = 'Wrong password.';
        return;
      }
      if (!r.ok) {
        status.textContent = await problemText(r);
        return;
      }
      const body = await r.json();
      const info = body.data || body;
      show(info, password.value);
      fetchFile(info, password.value);
    } }, h('label', {}, h('span', {}, 'This link needs a password'), password),
    h('button', { type: 'submit', class: 'primary', id: 'link-unlock' }, 'Open')), status);
  password.focus();
}

// ---------------------------------------------------------------------------------------------------------------
// administration

async function usersPage(view) {
  const data = await api('GET', '/api/admin/users');
  const users = listOf(data, 'users');
  const userId = h('input', { id: 'new-user-id', required: true, pattern: '[A-Za-z0-9._@+\\-]{1,128}' });
  const displayName = h('input', { id: 'new-user-name' });
  const password = h('input', { id: 'new-user-password', type: 'password', required: true, minlength: 10, autocomplete: 'new-password' });
  const admin = h('input', { id: 'new-user-admin', type: 'checkbox' });
  add(view, h('h1', { style: 'font-size:1.2em' }, 'Users'),
    h('form', { class: 'panel', id: 'new-user', onsubmit: async (ev) => {
      ev.preventDefault();
      if (await act(() => api('POST', '/api/admin/users', { json: { userId: userId.value.trim(), displayName: displayName.value || null,
        password: password.value, systemAdmin: admin.checked } }), `User ${userId.value} created`)) render();
    } }, h('h2', { style: 'font-size:1.05em;margin-top:0' }, 'New user'),
    h('div', { class: 'grid2' }, h('label', {}, h('span', {}, 'User id'), userId), h('label', {}, h('span', {}, 'Display name'), displayName),
      h('label', {}, h('span', {}, 'Password (10-200 characters)'), password)),
    h('label', {}, admin, ' system administrator'),
    h('button', { type: 'submit', class: 'primary', id: 'create-user' }, 'Create')),
    h('div', { class: 'panel' }, h('table', { id: 'users' }, h('thead', {}, h('tr', {}, h('th', {}, 'User'), h('th', {}, 'Groups'), h('th', {}, 'State'), h('th', {}, ''))),
      h('tbody', {}, users.map((u) => {
        const id = u.userId;
        const disabled = u.disabled || u.enabled === false;
        return h('tr', { 'data-user-id': id },
          h('td', {}, h('strong', {}, id), u.displayName ? h('div', { class: 'muted' }, u.displayName) : null, u.systemAdmin ? h('div', { class: 'tag' }, 'admin') : null),
          h('td', {}, (u.groups || []).join(', ')),
          h('td', {}, disabled ? 'disabled' : 'active'),
          h('td', {},
            h('button', { type: 'button', onclick: async () => {
              if (await act(() => api('POST', `/api/admin/users/${encodeURIComponent(id)}/${disabled ? 'enable' : 'disable'}`), `${id} ${disabled ? 'enabled' : 'disabled'}`)) render();
            } }, disabled ? 'Enable' : 'Disable'), ' ',
            h('button', { type: 'button', onclick: async () => {
              const pw = await ask(`New password for ${id}`, '10-200 characters', 'password');
              if (pw) await act(() => api('POST', `/api/admin/users/${encodeURIComponent(id)}/password`, { json: { newPassword: pw } }), 'Password reset');
            } }, 'Reset password'), ' ',
            h('button', { type: 'button', onclick: async () => {
              const g = await ask(`Groups of ${id}`, 'comma-separated', 'text', (u.groups || []).join(', '));
              if (g !== null && await act(() => api('PUT', `/api/admin/users/${encodeURIComponent(id)}/groups`,
                { json: { groups: g.split(',').map((x) => x.trim()).filter(Boolean) } }), 'Groups saved')) render();
            } }, 'Groups')));
      })))));
}

async function backupsPage(view) {
  const [data, status] = await Promise.all([api('GET', '/api/backup'), api('GET', '/api/backup/status').catch(() => null)]);
  const backups = listOf(data, 'backups');
  add(view, h('div', { class: 'toolbar' }, h('h1', { class: 'grow', style: 'font-size:1.2em' }, 'Backups'),
    h('button', { type: 'button', class: 'primary', id: 'start-backup', onclick: async () => {
      if (await act(() => api('POST', '/api/backup/start'), 'Backup started')) setTimeout(render, 1000);
    } }, 'Start a backup'), h('button', { type: 'button', onclick: render }, 'Refresh')),
  h('div', { class: 'panel' }, backups.length ? h('table', { id: 'backups' }, h('thead', {}, h('tr', {}, h('th', {}, 'Backup'), h('th', {}, 'State'), h('th', { class: 'num' }, 'Size'), h('th', {}, ''))),
    h('tbody', {}, backups.map((b) => h('tr', { 'data-backup-id': b.id },
      h('td', {}, h('code', {}, b.id), h('div', { class: 'muted' }, formatDate(b.startedAt))),
      h('td', {}, `${b.state}${b.phase ? ` (${b.phase})` : ''}`, b.error ? h('div', { class: 'error' }, b.error) : null),
      h('td', { class: 'num' }, formatBytes(b.size ?? b.archiveBytes)),
      h('td', {}, b.state === 'COMPLETED' ? h('button', { type: 'button', class: 'danger', onclick: () => restoreDialog(b) }, 'Restore…') : null)))))
    : h('p', { class: 'muted' }, 'No backups yet.')),
  status ? h('details', { class: 'panel' }, h('summary', {}, 'Status of backups, restores and rebuilds'), h('pre', { class: 'mono' }, JSON.stringify(status, null, 2))) : null);
}

async function restoreDialog(backup) {
  const text = `Restore backup ${backup.id}? This REPLACES the current event store (it is moved aside into a schema), `
    + 'refuses changes until the restore ends, and rebuilds every view. Type the backup id to confirm.';
  const typed = await ask('Restore', text, 'text');
  if (typed === null) return;
  if (typed.trim() !== backup.id) {
    toast('The id did not match: nothing was restored', true);
    return;
  }
  if (await act(() => api('POST', '/api/backup/restore', { json: { backupId: backup.id, replace: true } }), 'Restore started')) render();
}

async function statusPage(view) {
  const [projections, health, index] = await Promise.all([api('GET', '/api/admin/projections'),
    fetch('/health').then((r) => r.json()).catch(() => null), api('GET', '/api/admin/search').catch((e) => ({ error: e.message }))]);
  const list = listOf(projections, 'projections');
  add(view, h('h1', { style: 'font-size:1.2em' }, 'Projections and search index'),
    health ? h('div', { class: 'panel' }, h('p', { id: 'health' }, 'Service: ', h('strong', {}, health.status)),
      h('table', {}, h('tbody', {}, Object.entries(health.checks || {}).map(([k, v]) => h('tr', {},
        h('th', {}, k), h('td', { class: 'mono' }, typeof v === 'object' ? JSON.stringify(v) : String(v))))))) : null,
    h('div', { class: 'panel', id: 'search-index' }, h('div', { class: 'toolbar' },
      h('h2', { class: 'grow', style: 'font-size:1.05em;margin:0' }, 'Search index'),
      h('button', { type: 'button', onclick: async () => {
        if (await confirmDialog('Rebuild the search index? Searches keep using the current index until the new one is complete.', 'Rebuild')) {
          await act(() => api('POST', '/api/admin/search/rebuild'), 'Search index rebuild started');
          render();
        }
      } }, 'Rebuild index')),
    h('table', {}, h('tbody', {}, Object.entries(index || {}).map(([k, v]) => h('tr', {},
      h('th', {}, k), h('td', { class: 'mono' }, typeof v === 'object' ? JSON.stringify(v) : String(v))))))),
    h('div', { class: 'panel' }, h('table', { id: 'projections' }, h('thead', {}, h('tr', {}, h('th', {}, 'Projection'), h('th', {}, 'State'), h('th', {}, ''))),
      h('tbody', {}, list.map((p) => {
        const name = p.name || p.processor || p.processingGroup;
        const rest = { ...p };
        for (const k of ['name', 'running', 'caughtUp', 'position', 'head', 'segments', 'activeSegments']) delete rest[k];
        const state = [p.running === false ? 'stopped' : 'running', p.caughtUp ? 'caught up' : 'behind',
          p.position !== undefined ? `position ${p.position} of ${p.head ?? '?'}` : null,
          p.segments !== undefined ? `${p.activeSegments ?? '?'}/${p.segments} segments` : null].filter(Boolean).join(' · ');
        return h('tr', { 'data-projection': name }, h('td', {}, h('strong', {}, name)),
          h('td', {}, state, Object.keys(rest).length ? h('div', { class: 'muted mono' }, JSON.stringify(rest)) : null),
          h('td', {}, h('button', { type: 'button', onclick: async () => {
            if (await confirmDialog(`Rebuild ${name}? Its views are incomplete until the rebuild is done.`, 'Rebuild')) {
              await act(() => api('POST', `/api/admin/projections/${encodeURIComponent(name)}/rebuild`), `Rebuilding ${name}`);
              render();
            }
          } }, 'Rebuild')));
      })))));
}

// ---------------------------------------------------------------------------------------------------------------
// dialogs

async function act(action, done) {
  try {
    await action();
    if (done) toast(done);
    return true;
  } catch (e) {
    toast(e.message, true);
    return false;
  }
}

function modal(title, body, okLabel, input) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'confirm', 'aria-label': title });
    const form = h('form', { method: 'dialog' }, h('h2', { style: 'margin-top:0;font-size:1.1em' }, title), h('p', {}, body),
      input || null,
      h('div', { class: 'toolbar' }, h('button', { value: 'ok', class: 'primary', id: 'dialog-ok' }, okLabel),
        h('button', { value: 'cancel', type: 'submit', formnovalidate: true }, 'Cancel')));
    add(dialog, form);
    dialog.addEventListener('close', () => {
      const ok = dialog.returnValue === 'ok';
      dialog.remove();
      resolve(ok ? (input ? input.value : true) : (input ? null : false));
    });
    document.body.append(dialog);
    dialog.showModal();
    if (input) input.focus();
  });
}

function confirmDialog(text, okLabel) {
  return modal('Please confirm', text, okLabel);
}

function ask(title, text, type = 'text', value = '') {
  return modal(title, text, 'OK', h('input', { type, value, id: 'dialog-input', style: 'width:100%' }));
}

render();
