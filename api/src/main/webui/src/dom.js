// Small DOM helpers: elements are built with text nodes (never HTML from data), except search highlights, which the
// service sends HTML-escaped with only <em> added.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

/** Element.append, skipping null, undefined and false (which Element.append would show as text). */
export function add(el, ...children) {
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Search highlights: keep the text, turn only <em>…</em> into elements. */
export function highlighted(html) {
  const span = document.createElement('span');
  const parts = String(html).split(/(<em>|<\/em>)/);
  let inEm = false;
  for (const part of parts) {
    if (part === '<em>') inEm = true;
    else if (part === '</em>') inEm = false;
    else if (part) {
      const text = document.createTextNode(unescapeHtml(part));
      if (inEm) {
        const em = document.createElement('mark');
        em.append(text);
        span.append(em);
      } else span.append(text);
    }
  }
  return span;
}

function unescapeHtml(s) {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'")
    .replace(/&#x2F;|&#47;/g, '/').replace(/&amp;/g, '&');
}

export function formatBytes(n) {
  if (n === undefined || n === null) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = Number(n);
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export function formatDate(s) {
  if (!s) return '';
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? String(s) : d.toLocaleString();
}

let toastTimer;
export function toast(message, isError = false) {
  let el = document.getElementById('toast');
  if (!el) {
    el = h('div', { id: 'toast', class: 'toast', role: 'status' });
    document.body.append(el);
  }
  el.className = `toast ${isError ? 'error' : ''}`;
  el.textContent = message;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, 5000);
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}
