// Resumable uploads over tus (tus-js-client against /api/uploads): several files at once, per-file and total
// progress, pause, resume and retry. A cut connection is retried by the client with growing delays; an upload
// interrupted by a closed page resumes from the service's offset when the same file is picked again (the client
// keeps the upload's URL in localStorage by a fingerprint of the file).
import { Upload } from 'tus-js-client';
import { authHeaders } from './api.js';
import { h, formatBytes } from './dom.js';

const PARALLEL = 3;
const CHUNK = 16 * 1024 * 1024;

export class UploadQueue {
  constructor(onFileDone) {
    this.items = [];
    this.onFileDone = onFileDone;
    this.element = h('div', { class: 'uploads', 'aria-live': 'polite' });
    this.total = h('progress', { max: 1, value: 0, id: 'upload-total', 'aria-label': 'all uploads' });
    this.totalText = h('span', { class: 'muted', id: 'upload-total-text' });
    // uploads that failed while the browser was offline start again when it is back online
    window.addEventListener('online', () => {
      for (const item of this.items.filter((i) => i.state === 'failed')) this.run(item);
    });
    this.panel = h('section', { class: 'panel', hidden: true, 'aria-label': 'uploads' },
      h('div', { class: 'toolbar' }, h('strong', {}, 'Uploads'), h('span', { class: 'grow' }), this.totalText,
        h('button', { type: 'button', id: 'clear-uploads', onclick: () => this.clearFinished() }, 'Clear finished')),
      this.total, this.element);
  }

  add(files, folder) {
    for (const file of files) {
      const item = { file, folder, sent: 0, state: 'waiting', upload: null, resumedAt: null };
      item.bar = h('progress', { max: file.size || 1, value: 0, 'aria-label': `upload of ${file.name}` });
      item.status = h('span', { class: 'muted status' }, 'waiting');
      item.pause = h('button', { type: 'button', class: 'pause', onclick: () => this.toggle(item) }, 'Pause');
      item.retry = h('button', { type: 'button', class: 'retry', hidden: true, onclick: () => this.run(item) }, 'Retry');
      item.row = h('div', { class: 'row upload-row', 'data-name': file.name, 'data-state': 'waiting' },
        h('div', {}, h('strong', {}, file.name), ' ', h('span', { class: 'muted' }, formatBytes(file.size))),
        h('div', {}, item.pause, ' ', item.retry), item.bar, item.status);
      this.element.append(item.row);
      this.items.push(item);
    }
    this.panel.hidden = false;
    this.pump();
    this.refresh();
  }

  pump() {
    const running = this.items.filter((i) => i.state === 'uploading').length;
    for (const item of this.items.filter((i) => i.state === 'waiting').slice(0, Math.max(0, PARALLEL - running))) {
      this.run(item);
    }
  }

  setState(item, state, text) {
    item.state = state;
    item.row.dataset.state = state;
    item.status.textContent = text;
    item.pause.textContent = state === 'paused' ? 'Resume' : 'Pause';
    item.pause.hidden = state === 'done' || state === 'failed';
    item.retry.hidden = state !== 'failed';
    this.refresh();
  }

  run(item) {
    const { file } = item;
    if (!item.upload) {
      const metadata = { filename: file.name, filetype: file.type || 'application/octet-stream' };
      if (item.folder && item.folder !== '/') metadata.folder = item.folder;
      item.upload = new Upload(file, {
        endpoint: '/api/uploads',
        chunkSize: CHUNK,
        retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
        metadata,
        storeFingerprintForResuming: true,
        removeFingerprintOnSuccess: true,
        onBeforeRequest: (req) => {
          for (const [k, v] of Object.entries(authHeaders())) req.setHeader(k, v);
        },
        // a cut connection or a 5xx is retried after each of retryDelays (also while the browser says it is
        // offline: the next attempt simply fails fast); other 4xx are final
        onShouldRetry: (err) => {
          const status = err.originalResponse ? err.originalResponse.getStatus() : 0;
          const retry = !(status >= 400 && status < 500) || status === 409 || status === 423;
          if (retry) {
            item.row.dataset.retries = String(Number(item.row.dataset.retries || 0) + 1);
            item.status.textContent = `connection lost at ${formatBytes(item.sent)}: retrying…`;
          }
          return retry;
        },
        onAfterResponse: (req, res) => {
          if (req.getMethod() === 'HEAD') {
            // the service's offset: where this upload resumes (after a pause, a cut or a reload)
            const offset = Number(res.getHeader('Upload-Offset'));
            item.resumedAt = offset;
            item.row.dataset.resumedAt = String(offset);
            item.row.dataset.resumes = String(Number(item.row.dataset.resumes || 0) + 1);
          }
          const id = res.getHeader('X-File-Id');
          if (id) item.fileId = id;
        },
        onProgress: (sent, total) => {
          item.sent = sent;
          item.bar.value = sent;
          item.bar.max = total || 1;
          item.row.dataset.sent = String(sent);
          item.row.dataset.progressEvents = String(Number(item.row.dataset.progressEvents || 0) + 1);
          item.status.textContent = `${formatBytes(sent)} of ${formatBytes(total)} (${pct(sent, total)}%)`;
          this.refresh();
        },
        onSuccess: () => {
          item.sent = file.size;
          item.bar.value = item.bar.max;
          if (item.fileId) item.row.dataset.fileId = item.fileId;
          this.setState(item, 'done', item.resumedAt ? `done (resumed at ${formatBytes(item.resumedAt)})` : 'done');
          this.onFileDone(item);
          this.pump();
        },
        onError: (error) => {
          this.setState(item, 'failed', `failed: ${error.message.split('\n')[0]}`);
          this.pump();
        },
      });
      item.upload.findPreviousUploads().then((previous) => {
        if (previous.length) item.upload.resumeFromPreviousUpload(previous[0]);
        item.upload.start();
      });
    } else {
      item.upload.start();
    }
    this.setState(item, 'uploading', 'uploading…');
  }

  toggle(item) {
    if (item.state === 'uploading') {
      item.upload.abort();
      this.setState(item, 'paused', `paused at ${formatBytes(item.sent)}`);
      this.pump();
    } else if (item.state === 'paused' || item.state === 'waiting') {
      this.run(item);
    }
  }

  clearFinished() {
    for (const item of this.items.filter((i) => i.state === 'done')) item.row.remove();
    this.items = this.items.filter((i) => i.state !== 'done');
    this.panel.hidden = this.items.length === 0;
    this.refresh();
  }

  refresh() {
    const size = this.items.reduce((n, i) => n + i.file.size, 0);
    const sent = this.items.reduce((n, i) => n + (i.state === 'done' ? i.file.size : i.sent), 0);
    const done = this.items.filter((i) => i.state === 'done').length;
    this.total.max = size || 1;
    this.total.value = sent;
    this.totalText.textContent = `${done} of ${this.items.length} files, ${formatBytes(sent)} of ${formatBytes(size)}`
      + ` (${pct(sent, size)}%)`;
  }
}

function pct(a, b) {
  return b ? Math.floor((a * 100) / b) : 100;
}
