// The JSON API as the web interface calls it: a short-lived personal token (Bearer) kept in sessionStorage, every
// request marked X-Requested-With (so a 401 never carries a Basic challenge and the browser never opens its own
// password dialog), problem details turned into errors.

const KEY = 'filestore.session';
const SESSION_SECONDS = 12 * 3600;

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.error || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) || 'null');
  } catch {
    return null;
  }
}

let onUnauthorized = () => {};
export function whenUnauthorized(callback) {
  onUnauthorized = callback;
}

export function authHeaders() {
  const s = session();
  const headers = { 'X-Requested-With': 'filestore-web' };
  if (s) headers.Authorization = `Bearer ${s.token}`;
  return headers;
}

function basic(user, password) {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let binary = '';
  bytes.forEach((b) => { binary += String.fromCharCode(b); });
  return `Basic ${btoa(binary)}`;
}

async function problemOf(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

export function unwrap(body) {
  return body && typeof body === 'object' && 'data' in body && 'success' in body ? body.data : body;
}

/** Signs in with the password once, to obtain a personal token that lives SESSION_SECONDS. */
export async function signIn(user, password) {
  const response = await fetch('/api/me/tokens', {
    method: 'POST',
    headers: { 'X-Requested-With': 'filestore-web', Authorization: basic(user, password),
      'Content-Type': 'application/json' },
    body: JSON.stringify({ name: `web sign-in ${new Date().toISOString()}`, expiresInSeconds: SESSION_SECONDS }),
  });
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  const token = unwrap(await response.json());
  sessionStorage.setItem(KEY, JSON.stringify({ token: token.token, tokenId: token.tokenId, user,
    expiresAt: token.expiresAt }));
  const me = await api('GET', '/api/me');
  const s = session();
  s.me = me;
  sessionStorage.setItem(KEY, JSON.stringify(s));
  return s;
}

/** Revokes the token, then forgets it (also when the revocation fails: the token expires by itself). */
export async function signOut() {
  const s = session();
  if (s) {
    try {
      await api('DELETE', `/api/me/tokens/${encodeURIComponent(s.tokenId)}`);
    } catch {
      // expired or already revoked
    }
  }
  sessionStorage.removeItem(KEY);
}

export async function api(method, path, { json, headers = {}, raw = false, body } = {}) {
  const init = { method, headers: { ...authHeaders(), ...headers } };
  if (body !== undefined) init.body = body;
  if (json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  }
  const response = await fetch(path, init);
  if (response.status === 401 && session()) {
    sessionStorage.removeItem(KEY);
    onUnauthorized();
  }
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  if (raw) return response;
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  return type.includes('json') ? unwrap(await response.json()) : response.text();
}

export function query(params) {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') search.set(k, v);
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}

/** The first array among an answer's fields (listings name theirs files, users, backups, entries...). */
export function listOf(data, ...names) {
  if (Array.isArray(data)) return data;
  for (const n of names) if (data && Array.isArray(data[n])) return data[n];
  if (data && typeof data === 'object') {
    for (const v of Object.values(data)) if (Array.isArray(v)) return v;
  }
  return [];
}
