'use strict';
// The S3 endpoint of the service tests (started by ../s3.sh): s3rver, which keeps objects in a
// directory, with what it lacks for Sightline's client added in front of it:
//  - checking of AWS Signature Version 4 as S3 does it (s3rver only looks the access key up), so
//    that a wrong secret is refused as on S3 and a signing mistake in the client shows;
//  - ListMultipartUploads, ListParts and AbortMultipartUpload, over s3rver's own directory of
//    uploads in progress (s3rver 3.7 answers them with MethodNotAllowed).
// The canonical request and the string to sign follow "Create a canonical request for Signature
// Version 4" and "Signature Version 4 signing process" (AWS General Reference) and the S3
// specifics of "Authenticating Requests (AWS Signature Version 4)" (S3 API Reference).
//
// Usage: node server.js DIRECTORY PORT BUCKET
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const S3rver = require('s3rver');
const AWSAccount = require('s3rver/lib/models/account');

const [directory, port, bucket] = process.argv.slice(2);
if (!directory || !port || !bucket) {
  console.error('usage: node server.js DIRECTORY PORT BUCKET');
  process.exit(2);
}

function xmlEscape(s) {
  return String(s).replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
}

function sendError(ctx, status, code, message, extra = {}) {
  ctx.status = status;
  ctx.type = 'application/xml';
  const fields = Object.entries(extra)
    .map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`)
    .join('');
  ctx.body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>${fields}</Error>`;
}

// RFC 3986 encoding of everything but unreserved characters (SigV4's UriEncode).
function uriEncode(s) {
  return encodeURIComponent(s).replace(
    /[!'()*]/g,
    c => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
  );
}

function canonicalQuery(rawQuery) {
  if (!rawQuery) return '';
  return rawQuery
    .split('&')
    .filter(p => p.length > 0)
    .map(p => {
      const eq = p.indexOf('=');
      const name = decodeURIComponent(eq < 0 ? p : p.slice(0, eq));
      const value = eq < 0 ? '' : decodeURIComponent(p.slice(eq + 1));
      return [uriEncode(name), uriEncode(value)];
    })
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([n, v]) => `${n}=${v}`)
    .join('&');
}

function hmac(key, data) {
  return crypto.createHmac('sha256', key).update(data).digest();
}

// Checks the Authorization header of a SigV4 request; true when it holds (or when the request is
// not SigV4-signed, or names an unknown key, which s3rver itself refuses).
function checkSignature(ctx) {
  const auth = ctx.get('authorization');
  if (!auth.startsWith('AWS4-HMAC-SHA256 ')) return true;
  const fields = {};
  for (const part of auth.slice(17).split(',')) {
    const eq = part.indexOf('=');
    fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const [accessKeyId, date, region, service, terminator] = (fields.Credential || '').split('/');
  const account = AWSAccount.registry.get(accessKeyId);
  if (!account) return true;
  const secret = account.accessKeys.get(accessKeyId);
  const amzDate = ctx.get('x-amz-date');
  const payloadHash = ctx.get('x-amz-content-sha256');
  if (!payloadHash) {
    sendError(ctx, 400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
    return false;
  }
  const signedHeaders = (fields.SignedHeaders || '').split(';');
  if (!signedHeaders.includes('host')) {
    sendError(ctx, 400, 'AuthorizationHeaderMalformed', 'SignedHeaders must include host');
    return false;
  }
  // A header signed but not sent: AWS and RGW compute the signature over what they received.
  const absent = signedHeaders.filter(h => !(h in ctx.req.headers));
  if (absent.length > 0) {
    sendError(ctx, 403, 'SignatureDoesNotMatch', `Signed header(s) not in the request: ${absent.join(', ')}`);
    return false;
  }
  const rawUrl = ctx.req.url;
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
  const canonicalUri = rawPath
    .split('/')
    .map(seg => uriEncode(decodeURIComponent(seg)))
    .join('/');
  const canonicalHeaders = signedHeaders
    .map(h => `${h}:${String(ctx.req.headers[h] || '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [
    ctx.method,
    canonicalUri,
    canonicalQuery(rawQuery),
    canonicalHeaders,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = [date, region, service, terminator].join('/');
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    crypto.createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  let key = hmac('AWS4' + secret, date);
  key = hmac(key, region);
  key = hmac(key, service);
  key = hmac(key, terminator);
  const expected = hmac(key, stringToSign).toString('hex');
  if (expected !== fields.Signature) {
    sendError(
      ctx,
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. ' +
        'Check your key and signing method.',
      { AWSAccessKeyId: accessKeyId, StringToSign: stringToSign, CanonicalRequest: canonicalRequest },
    );
    return false;
  }
  return true;
}

function uploadsDir(store, bucketName) {
  return store.getResourcePath(bucketName, undefined, 'uploads');
}

function sendXml(ctx, body) {
  ctx.status = 200;
  ctx.type = 'application/xml';
  ctx.body = '<?xml version="1.0" encoding="UTF-8"?>\n' + body;
}

const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

function listMultipartUploads(ctx, store, bucketName) {
  const dir = uploadsDir(store, bucketName);
  const prefix = ctx.query.prefix || '';
  let entries = [];
  try {
    entries = fs.readdirSync(dir);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  const uploads = [];
  for (const id of entries) {
    let key;
    try {
      key = fs.readFileSync(path.join(dir, id, 'key')).toString();
    } catch (err) {
      continue;
    }
    if (!key.startsWith(prefix)) continue;
    const initiated = fs.statSync(path.join(dir, id)).mtime.toISOString();
    uploads.push({ key, id, initiated });
  }
  uploads.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.initiated < b.initiated ? -1 : 1));
  const items = uploads
    .map(
      u =>
        `<Upload><Key>${xmlEscape(u.key)}</Key><UploadId>${u.id}</UploadId>` +
        `<Initiated>${u.initiated}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`,
    )
    .join('');
  sendXml(
    ctx,
    `<ListMultipartUploadsResult ${NS}><Bucket>${xmlEscape(bucketName)}</Bucket>` +
      `<KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker><Prefix>${xmlEscape(prefix)}</Prefix>` +
      `<MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>${items}</ListMultipartUploadsResult>`,
  );
}

function uploadDirOf(ctx, store, bucketName, key) {
  const id = String(ctx.query.uploadId || '');
  const dir = path.join(uploadsDir(store, bucketName), id);
  let storedKey;
  try {
    storedKey = /^[0-9a-f]+$/.test(id) ? fs.readFileSync(path.join(dir, 'key')).toString() : null;
  } catch (err) {
    storedKey = null;
  }
  if (storedKey !== key) {
    sendError(
      ctx,
      404,
      'NoSuchUpload',
      'The specified upload does not exist. The upload ID may be invalid, or the upload may ' +
        'have been aborted or completed.',
      { UploadId: id },
    );
    return null;
  }
  return dir;
}

function listParts(ctx, store, bucketName, key) {
  const dir = uploadDirOf(ctx, store, bucketName, key);
  if (!dir) return;
  const parts = fs
    .readdirSync(dir)
    .filter(name => /^[0-9]+$/.test(name) && fs.existsSync(path.join(dir, name + '.md5')))
    .map(name => ({
      number: Number(name),
      size: fs.statSync(path.join(dir, name)).size,
      etag: fs.readFileSync(path.join(dir, name + '.md5')).toString(),
    }))
    .sort((a, b) => a.number - b.number);
  const items = parts
    .map(
      p =>
        `<Part><PartNumber>${p.number}</PartNumber><ETag>&quot;${p.etag}&quot;</ETag>` +
        `<Size>${p.size}</Size></Part>`,
    )
    .join('');
  sendXml(
    ctx,
    `<ListPartsResult ${NS}><Bucket>${xmlEscape(bucketName)}</Bucket><Key>${xmlEscape(key)}</Key>` +
      `<UploadId>${ctx.query.uploadId}</UploadId><MaxParts>10000</MaxParts>` +
      `<IsTruncated>false</IsTruncated>${items}</ListPartsResult>`,
  );
}

function abortUpload(ctx, store, bucketName, key) {
  const dir = uploadDirOf(ctx, store, bucketName, key);
  if (!dir) return;
  fs.rmSync(dir, { recursive: true, force: true });
  ctx.status = 204;
  ctx.body = null;
}

async function main() {
  const server = new S3rver({
    directory,
    port: Number(port),
    address: '127.0.0.1',
    silent: false,
    configureBuckets: [{ name: bucket }],
  });
  const store = server.store;
  // In front of s3rver's own middleware: signatures first, then the calls it lacks.
  server.middleware.unshift(async (ctx, next) => {
    if (!checkSignature(ctx)) return;
    const m = /^\/([^/?]+)(?:\/([^?]*))?$/.exec(ctx.path);
    if (m && (await store.getBucket(m[1]))) {
      const bucketName = m[1];
      const key = m[2] ? decodeURIComponent(m[2]) : '';
      if (!key && ctx.method === 'GET' && 'uploads' in ctx.query) {
        return listMultipartUploads(ctx, store, bucketName);
      }
      if (key && 'uploadId' in ctx.query && !('partNumber' in ctx.query)) {
        if (ctx.method === 'GET') return listParts(ctx, store, bucketName, key);
        if (ctx.method === 'DELETE') return abortUpload(ctx, store, bucketName, key);
      }
    }
    return next();
  });
  const { address, port: listening } = await server.run();
  console.log('S3 test endpoint listening on %s:%d (bucket %s)', address, listening, bucket);
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});
