// The one loopback server every client of benches/compare/run.sh talks to: plain HTTP/1.1
// with keep-alive on 127.0.0.1 (OS-assigned port). Prints {"port": N} on stdout, then
// serves until killed.
//   GET  /data        {"ok":true}, CORS-allowed for the requesting origin
//   OPTIONS /data     the preflight answer: GET, PUT and content-type allowed, Max-Age 0
//   PUT  /data        {"ok":true}, CORS-allowed
//   GET  /page.html   the Chromium page loop (same script as the Node clients run)
//   POST /report      the page posts its timings here; GET /result returns them
//   GET  /counts      requests seen, by method
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');

const page = fs.readFileSync(path.join(__dirname, 'page.html'));
const counts = {};
let result = null;

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  counts[req.method] = (counts[req.method] || 0) + 1;
  const origin = req.headers.origin;
  const cors = origin ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : {};
  if (url.pathname === '/data') {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...cors,
        'Access-Control-Allow-Methods': 'GET, PUT',
        'Access-Control-Allow-Headers': 'content-type',
        'Access-Control-Max-Age': '0',
      });
      return res.end();
    }
    req.resume();
    req.on('end', () => {
      const body = '{"ok":true}';
      res.writeHead(200, { ...cors, 'Content-Type': 'application/json', 'Content-Length': body.length });
      res.end(body);
    });
    return;
  }
  if (url.pathname === '/page.html') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    return res.end(page);
  }
  if (url.pathname === '/report' && req.method === 'POST') {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      result = b;
      res.writeHead(204, cors);
      res.end();
    });
    return;
  }
  if (url.pathname === '/result') {
    res.writeHead(result ? 200 : 404, { 'Content-Type': 'application/json' });
    const r = result || '';
    result = null;
    return res.end(r);
  }
  if (url.pathname === '/counts') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const r = JSON.stringify(counts);
    for (const k of Object.keys(counts)) delete counts[k];
    return res.end(r);
  }
  res.writeHead(404);
  res.end();
});
server.keepAliveTimeout = 60000;
server.on('connection', (s) => s.setNoDelay(true));
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
