'use strict';
// A Node.js `ws` fan-out server over mutual TLS that speaks just enough of the Varde API for
// the unchanged `varde-bench fanout` to run against it (bench/reference/README.md):
//
//   POST /v1/reports   a report (JSON) -> 201 {"id","status":"published",...}, and one
//                      {"event":"report.published","cursor","report":{...}} text frame to
//                      every connected subscriber, the report shaped like Varde's member view
//   GET  /v1/stream    the WebSocket (any query is accepted and ignored); a plain GET gets 426
//   GET  /v1/whoami    {"principal": <certificate CN>, "organisation": <certificate O>}
//
// Every connection must present a certificate from the member CA (requestCert,
// rejectUnauthorized), as with the node. What it does not do, unlike the node: no database,
// no visibility rule, no anonymiser, no cursors to resume from; one frame is encoded per
// report and the same bytes go to every subscriber. Like the node's defaults it closes a
// subscriber whose unsent data passes 4 MiB (code 4000) and sends a heartbeat after 15 s idle.
//
//   node server.js --pki DIR [--host 127.0.0.1] [--port 55496]
//   (DIR/server.pem, DIR/server.key, DIR/member-ca.pem: certs/make-dev-pki.sh)
const crypto = require('node:crypto');
const fs = require('node:fs');
const https = require('node:https');
const path = require('node:path');
const { WebSocketServer, WebSocket } = require('ws');

const QUEUE_BYTES = 4 * 1024 * 1024;  // stream_queue_bytes
const HEARTBEAT_MS = 15000;           // stream_heartbeat_s
const BODY_MAX = 1024 * 1024;

function parseArgs(argv) {
  const o = { host: '127.0.0.1', port: 55496, pki: '' };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (v === undefined) throw new Error(`missing value after ${k}`);
    if (k === '--host') o.host = v;
    else if (k === '--port') o.port = Number(v);
    else if (k === '--pki') o.pki = v;
    else throw new Error(`unknown argument ${k}`);
  }
  if (!o.pki) throw new Error('give --pki DIR');
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const pem = (name) => fs.readFileSync(path.join(opts.pki, name));

const subscribers = new Set();
let cursor = 0;
let lastFrameAt = Date.now();
const counts = { published: 0, deliveries: 0, closedSlow: 0, subscribersSeen: 0, frameBytes: 0 };

function json(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function problem(res, status, title) {
  json(res, status, { type: 'about:blank', title, status }, { 'content-type': 'application/problem+json' });
}

function broadcast(frame) {
  lastFrameAt = Date.now();
  for (const ws of subscribers) {
    if (ws.readyState !== WebSocket.OPEN) continue;
    if (ws.bufferedAmount > QUEUE_BYTES) {
      ++counts.closedSlow;
      subscribers.delete(ws);
      ws.close(4000, `too slow: resume with since=${cursor - 1}`);
      continue;
    }
    ws.send(frame, { binary: false });  // the same Buffer for everyone: no per-subscriber encoding
    ++counts.deliveries;
  }
}

// The report as Varde's member view has it: the node's header fields and the shared content.
function memberView(draft, id) {
  return {
    id,
    status: 'published',
    tlp: typeof draft.tlp === 'string' ? draft.tlp : 'TLP:GREEN',
    source: 'member-' + id.slice(0, 8),
    published_at: new Date().toISOString(),
    title: draft.title,
    summary: draft.summary ?? '',
    incident: draft.incident ?? {},
    threat_actors: draft.threat_actors ?? [],
    malware: draft.malware ?? [],
    attack_patterns: draft.attack_patterns ?? [],
    cves: draft.cves ?? [],
    references: draft.references ?? [],
    indicators: Array.isArray(draft.indicators)
      ? draft.indicators.map((i) => ({ type: i.type, value: i.value, role: i.role ?? 'attacker' }))
      : [],
  };
}

function publish(req, res) {
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size > BODY_MAX) { problem(res, 413, 'body too large'); req.destroy(); return; }
    chunks.push(c);
  });
  req.on('end', () => {
    if (size > BODY_MAX) return;
    let draft;
    try {
      draft = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return problem(res, 400, 'the body is not JSON');
    }
    if (!draft || typeof draft.title !== 'string') return problem(res, 400, 'a report needs a title');
    const id = crypto.randomUUID();
    const report = memberView(draft, id);
    ++counts.published;
    json(res, 201, { id, status: 'published', tlp: report.tlp, published_at: report.published_at });
    const frame = Buffer.from(JSON.stringify({ event: 'report.published', cursor: String(++cursor), report }));
    counts.frameBytes = frame.length;
    broadcast(frame);
  });
}

function peer(req) {
  const c = req.socket.getPeerCertificate();
  return { principal: c?.subject?.CN ?? null, organisation: c?.subject?.O ?? null };
}

const server = https.createServer({
  key: pem('server.key'),
  cert: pem('server.pem'),
  ca: pem('member-ca.pem'),
  requestCert: true,
  rejectUnauthorized: true,
  minVersion: 'TLSv1.2',
}, (req, res) => {
  const url = new URL(req.url, 'https://localhost');
  if (req.method === 'POST' && url.pathname === '/v1/reports') return publish(req, res);
  if (req.method === 'GET' && url.pathname === '/v1/whoami') return json(res, 200, peer(req));
  if (req.method === 'GET' && url.pathname === '/v1/stream') return problem(res, 426, 'upgrade to a WebSocket');
  problem(res, 404, 'not found');
});
server.keepAliveTimeout = 75000;

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 64 * 1024 });
server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'https://localhost');
  if (url.pathname !== '/v1/stream' || req.method !== 'GET') {
    socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    subscribers.add(ws);
    ++counts.subscribersSeen;
    ws.on('close', () => subscribers.delete(ws));
    ws.on('error', () => subscribers.delete(ws));
  });
});

const heartbeat = setInterval(() => {
  if (Date.now() - lastFrameAt >= HEARTBEAT_MS)
    broadcast(Buffer.from(JSON.stringify({ event: 'heartbeat', cursor: String(cursor) })));
}, 1000);

function stop() {
  clearInterval(heartbeat);
  console.error(`ws-fanout: stopping; ${JSON.stringify(counts)}`);
  for (const ws of subscribers) ws.terminate();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

server.listen(opts.port, opts.host, () => {
  console.error(`ws-fanout: listening on https://${opts.host}:${opts.port} (node ${process.version}, ws ${require('ws/package.json').version})`);
});
