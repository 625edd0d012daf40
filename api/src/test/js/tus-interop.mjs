// tus-js-client (npm) against the running filestore service. Started by TusJsClientIT with BASE_URL and USER_ID;
// exits non-zero on the first failed check and prints one JSON line per scenario for the Java side to verify.
import * as tus from 'tus-js-client';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import net from 'node:net';

const base = process.env.BASE_URL;
const user = process.env.USER_ID;
assert.ok(base && user, 'BASE_URL and USER_ID are required');

const sha256 = (buffer) => crypto.createHash('sha256').update(buffer).digest('hex');

/** Runs one tus-js-client upload to the end; resolves with the upload URL, the file id and the requests made. */
function upload(data, { server, ...options }) {
  const requests = [];
  return new Promise((resolve, reject) => {
    const u = new tus.Upload(data, {
      endpoint: `${server ?? base}/api/uploads`,
      headers: { 'X-User-Id': user },
      retryDelays: [0, 200, 500, 1000, 2000],
      storeFingerprintForResuming: false,
      ...options,
      onBeforeRequest: (req) => {
        requests.push({ method: req.getMethod(), offset: req.getHeader('Upload-Offset') });
        options.onBeforeRequest?.(req, u);
      },
      onChunkComplete: (chunk, accepted, total) => options.onChunkComplete?.(accepted, total, u),
      onSuccess: ({ lastResponse }) => resolve({ url: u.url, fileId: lastResponse.getHeader('X-File-Id'), requests }),
      onError: reject,
    });
    options.started?.(u);
    u.start();
  });
}

/** The file as the service describes it. */
async function fileOf(fileId) {
  const response = await fetch(`${base}/api/files/${fileId}`, { headers: { 'X-User-Id': user } });
  assert.equal(response.status, 200, `GET /api/files/${fileId}`);
  return (await response.json()).data;
}

/**
 * A TCP proxy to the service that cuts the first connection carrying more than cutAfter bytes from the client,
 * in the middle of its request body, as a dropped mobile connection would.
 */
function cuttingProxy(cutAfter) {
  const target = new URL(base);
  let cuts = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    let forwarded = 0;
    client.on('data', (chunk) => {
      forwarded += chunk.length;
      if (cuts === 0 && forwarded > cutAfter) {
        cuts++;
        client.destroy();
        upstream.destroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}`,
    cuts: () => cuts,
    close: () => server.close(),
  })));
}

const results = [];

// 1. A plain upload in 1 MiB PATCHes, with the seed's metadata.
{
  const data = crypto.randomBytes(3 * 1024 * 1024 + 7);
  const done = await upload(data, {
    chunkSize: 1024 * 1024,
    metadata: { filename: 'js-client.bin', filetype: 'application/x-js-test', description: 'from tus-js-client',
      tags: 'interop,js', folder: '/interop' },
  });
  const patches = done.requests.filter((r) => r.method === 'PATCH');
  assert.equal(patches.length, 4, 'four PATCH requests');
  const file = await fileOf(done.fileId);
  assert.equal(file.name, 'js-client.bin');
  assert.equal(file.mimeType, 'application/x-js-test');
  assert.equal(file.size, data.length);
  assert.equal(file.checksum, `sha256:${sha256(data)}`);
  assert.deepEqual(file.metadata.tags, ['interop', 'js']);
  assert.equal(file.metadata.folder, '/interop');
  results.push({ scenario: 'chunked', fileId: done.fileId, sha256: sha256(data), size: data.length });
}

// 2. The connection is cut halfway through the only PATCH; the client retries, asks for the offset and resumes.
{
  const size = 8 * 1024 * 1024;
  const data = crypto.randomBytes(size);
  const proxy = await cuttingProxy(size / 2);
  try {
    const done = await upload(data, { server: proxy.url, metadata: { filename: 'cut.bin' } });
    assert.equal(proxy.cuts(), 1, 'the connection was cut once');
    const resumedAt = done.requests.filter((r) => r.method === 'PATCH').map((r) => Number(r.offset))
      .filter((offset) => offset > 0);
    assert.ok(resumedAt.length >= 1, `a PATCH resumed past offset 0: ${JSON.stringify(done.requests)}`);
    assert.ok(resumedAt[0] < size, 'resumed before the end');
    assert.ok(done.requests.some((r) => r.method === 'HEAD'), 'asked the server for its offset');
    const file = await fileOf(done.fileId);
    assert.equal(file.checksum, `sha256:${sha256(data)}`);
    results.push({ scenario: 'cut', fileId: done.fileId, sha256: sha256(data), size, resumedAt: resumedAt[0] });
  } finally {
    proxy.close();
  }
}

// 3. An upload aborted by the user after 1 MiB, resumed later by a new Upload from its URL.
{
  const size = 3 * 1024 * 1024;
  const data = crypto.randomBytes(size);
  let url;
  await new Promise((resolve, reject) => {
    upload(data, {
      chunkSize: 256 * 1024,
      metadata: { filename: 'paused.bin' },
      onChunkComplete: (accepted, total, u) => {
        if (accepted >= 1024 * 1024) {
          url = u.url;
          u.abort().then(resolve, reject);
        }
      },
    }).then(() => reject(new Error('the upload finished although it was aborted')), reject);
  });
  assert.ok(url, 'the upload had a URL');
  const progress = await (await fetch(`${base}${new URL(url, base).pathname}`,
    { headers: { 'X-User-Id': user } })).json();
  assert.ok(progress.data.offset >= 1024 * 1024 && progress.data.offset < size, JSON.stringify(progress));
  const done = await upload(data, { uploadUrl: url, chunkSize: 256 * 1024, metadata: { filename: 'paused.bin' } });
  assert.equal(done.requests[0].method, 'HEAD', 'a resume starts by asking for the offset');
  assert.equal(Number(done.requests[1].offset), progress.data.offset, 'and continues there');
  const file = await fileOf(done.fileId);
  assert.equal(file.checksum, `sha256:${sha256(data)}`);
  results.push({ scenario: 'resumed', fileId: done.fileId, sha256: sha256(data), size,
    resumedAt: progress.data.offset });
}

for (const result of results) {
  console.log(JSON.stringify(result));
}
console.log(`tus-js-client interop: ${results.length} scenarios passed`);
