// Side-by-side per-fetch timing of one cross-origin fetch (simple GET, and a PUT that needs
// a preflight) through several clients against one loopback server (server.js).
// Run by run.sh, which passes FG_BIN (fetchguard's side, benches/compare_fetchguard.rs).
//   N=1000 WARM=100 node compare.js      -> prints a table and writes results.json
'use strict';
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const N = +(process.env.N || 1000);
const WARM = +(process.env.WARM || 100);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

function median(a) {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function startServer() {
  const child = spawn(process.execPath, [path.join(__dirname, 'server.js')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise((resolve) => child.stdout.once('data', (d) => resolve(String(d))));
  return { child, port: JSON.parse(line).port };
}

async function counts(base) {
  return (await fetch(base + '/counts')).json();
}

// One client: `once(preflight)` performs one fetch and resolves when the body is read.
async function loop(once, preflight) {
  const times = [];
  let errors = 0;
  for (let i = 0; i < WARM + N; i++) {
    const t0 = process.hrtime.bigint();
    try {
      await once(preflight);
    } catch (e) {
      errors++;
      if (errors === 1) console.error('  first error:', e && e.message);
    }
    const dt = Number(process.hrtime.bigint() - t0) / 1e6;
    if (i >= WARM) times.push(dt);
  }
  return { times, errors };
}

function putInit() {
  return { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' };
}

async function main() {
  const { child, port } = await startServer();
  const page = `http://localhost:${port}/`;
  const target = `http://127.0.0.1:${port}/data`;
  const base = `http://127.0.0.1:${port}`;
  const results = [];
  const record = async (client, preflight, r, note) => {
    const c = await counts(base);
    const per = (c.OPTIONS || 0) / (WARM + N);
    results.push({ client, preflight, median_us: median(r.times) * 1000, mean_us: (r.times.reduce((a, b) => a + b, 0) / r.times.length) * 1000, n: r.times.length, errors: r.errors, options_per_fetch: per, note });
    console.error(`${client.padEnd(28)} ${preflight ? 'PUT+preflight' : 'GET          '} median ${(median(r.times) * 1000).toFixed(1)} µs  errors ${r.errors}  OPTIONS/fetch ${per.toFixed(2)}`);
  };
  await counts(base);

  // 1. Node's fetch (undici). Not a browser: no CORS, no preflight; Origin sent by hand.
  for (const pre of [false, true]) {
    const r = await loop(async (p) => {
      const res = await fetch(target, p ? { ...putInit(), headers: { ...putInit().headers, Origin: page.slice(0, -1) } } : { headers: { Origin: page.slice(0, -1) } });
      await res.text();
    }, pre);
    await record('node fetch (undici)', pre, r, 'no CORS checks, never preflights');
  }

  // 2. jsdom's XMLHttpRequest (implements CORS and preflights).
  {
    const { JSDOM } = require('jsdom');
    const dom = new JSDOM('<!doctype html>', { url: page });
    const XHR = dom.window.XMLHttpRequest;
    const once = (p) => new Promise((resolve, reject) => {
      const x = new XHR();
      x.open(p ? 'PUT' : 'GET', target);
      if (p) x.setRequestHeader('Content-Type', 'application/json');
      x.onload = () => (x.responseText === '{"ok":true}' ? resolve() : reject(new Error('body ' + x.status)));
      x.onerror = () => reject(new Error('xhr error'));
      x.send(p ? '{}' : null);
    });
    for (const pre of [false, true]) await record('jsdom XHR', pre, await loop(once, pre));
    dom.window.close();
  }

  // 3. happy-dom's fetch.
  {
    const { Window } = require('happy-dom');
    const win = new Window({ url: page });
    const once = async (p) => {
      const res = await win.fetch(target, p ? putInit() : {});
      const t = await res.text();
      if (t !== '{"ok":true}') throw new Error('body ' + res.status);
    };
    for (const pre of [false, true]) await record('happy-dom fetch', pre, await loop(once, pre));
    await win.happyDOM.close();
  }

  // 4. fetchguard (in-process and over loopback), a Rust program.
  if (process.env.FG_BIN) {
    const out = execFileSync(process.env.FG_BIN, [], {
      env: { ...process.env, COMPARE_PORT: String(port), COMPARE_N: String(N), COMPARE_WARM: String(WARM) },
      maxBuffer: 1 << 28,
    });
    // The server's counts cover all four fetchguard cases at once (they run in one
    // process), so each row's preflights come from its traces; the server's total for
    // the loopback cases is printed as a cross-check.
    const seen = await counts(base);
    console.error(`fetchguard loopback: the server saw ${seen.OPTIONS || 0} OPTIONS in all (warm-up included)`);
    for (const line of String(out).trim().split('\n')) {
      const j = JSON.parse(line);
      const per = j.preflights / N;
      results.push({ client: j.client, preflight: j.preflight, median_us: median(j.times_ms) * 1000, mean_us: (j.times_ms.reduce((a, b) => a + b, 0) / j.times_ms.length) * 1000, n: j.times_ms.length, errors: j.errors, options_per_fetch: per, note: j.client.includes('in-process') ? 'same responses, no socket' : '' });
      console.error(`${j.client.padEnd(28)} ${j.preflight ? 'PUT+preflight' : 'GET          '} median ${(median(j.times_ms) * 1000).toFixed(1)} µs  errors ${j.errors}  OPTIONS/fetch ${per.toFixed(2)}`);
    }
  }

  // 5. Headless Chromium: a page at http://localhost:PORT runs the same loop.
  if (fs.existsSync(CHROMIUM)) {
    for (const pre of [false, true]) {
      const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'fg-compare-'));
      const chrome = spawn(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, `${page}page.html?n=${N}&warm=${WARM}&preflight=${pre ? 1 : 0}`], { stdio: 'ignore', detached: true });
      let body = null;
      for (let i = 0; i < 1200 && !body; i++) {
        await new Promise((r) => setTimeout(r, 250));
        const res = await fetch(base + '/result');
        if (res.status === 200) body = await res.json();
      }
      try { process.kill(-chrome.pid, 'SIGKILL'); } catch (e) {}
      fs.rmSync(profile, { recursive: true, force: true });
      if (!body) throw new Error('Chromium reported nothing');
      await record('headless Chromium', pre, { times: body.times_ms, errors: body.errors }, `performance.now() (coarsened: crossOriginIsolated=${body.isolated})`);
    }
  }
  child.kill();
  fs.writeFileSync(path.join(__dirname, 'results.json'), JSON.stringify({ n: N, warm: WARM, results }, null, 1));
  // The table: per-fetch medians, and each one's ratio to fetchguard over loopback.
  const ref = {};
  for (const r of results) if (r.client === 'fetchguard loopback') ref[r.preflight] = r.median_us;
  console.log('| client | request | median per fetch | mean | vs fetchguard loopback | OPTIONS per fetch | errors |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results) {
    const ratio = ref[r.preflight] ? (r.median_us / ref[r.preflight]).toFixed(2) + '×' : '—';
    console.log(`| ${r.client} | ${r.preflight ? 'PUT, preflighted' : 'GET'} | ${r.median_us.toFixed(1)} µs | ${r.mean_us.toFixed(1)} µs | ${ratio} | ${r.options_per_fetch.toFixed(2)} | ${r.errors} |`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
