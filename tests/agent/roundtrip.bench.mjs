// bench/bench_agent.sh's browser part: hash → signature round trips through the page API,
// the extension, native messaging and kyso-agent (SoftHSM2, scripted pinentry), timed in the
// page with performance.now(). Prints one JSON line: {"single_ms": [...], "batch50_ms": N}.
// Env: W, EXT, PROFILE, KYSO_SOURCE, RUNS.
import { chromium } from "playwright-core";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";

const { W, EXT, PROFILE, KYSO_SOURCE } = process.env;
const RUNS = Number(process.env.RUNS || 40);
const server = createServer((req, res) => {
  if (req.url === "/kyso-agent.js") {
    res.writeHead(200, { "content-type": "text/javascript" });
    res.end(readFileSync(`${KYSO_SOURCE}/agent/extension/page/kyso-agent.js`));
  } else {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end('<!doctype html><meta charset="utf-8"><script src="/kyso-agent.js"></script>');
  }
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const ctx = await chromium.launchPersistentContext(PROFILE, {
  executablePath: "/usr/bin/chromium",
  headless: false,
  args: ["--headless=new", `--disable-extensions-except=${EXT}`, `--load-extension=${EXT}`, "--no-sandbox"],
  env: process.env,
});
if (!ctx.serviceWorkers().length) await ctx.waitForEvent("serviceworker", { timeout: 15000 });
const page = await ctx.newPage();
await page.goto(`http://127.0.0.1:${server.address().port}/`);
await page.waitForFunction(() => window.kysoAgent && kysoAgent.present(), null, { timeout: 10000 });
const out = await page.evaluate(async (runs) => {
  const b64 = (u8) => btoa(String.fromCharCode(...u8));
  const hash = async (s) => new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s)));
  const { certificates } = await kysoAgent.list();
  const cert = certificates.find((c) => c.label === "rsa").id;
  const single = [];
  for (let i = 0; i <= runs; i++) {
    const h = b64(await hash(`văn bản ${i}`));
    const t0 = performance.now();
    const r = await kysoAgent.sign({ cert, hashAlgorithm: "SHA-256", documents: [{ title: `Văn bản ${i}`, hash: h }] });
    const dt = performance.now() - t0;
    if (r.signatures.length !== 1) throw new Error("no signature");
    if (i > 0) single.push(dt); // the first run warms the caches
  }
  const docs = [];
  for (let i = 0; i < 50; i++) docs.push({ title: `Văn bản lô ${i}`, hash: b64(await hash(`lô ${i}`)) });
  const t0 = performance.now();
  const r = await kysoAgent.sign({ cert, hashAlgorithm: "SHA-256", documents: docs });
  const batch = performance.now() - t0;
  if (r.signatures.length !== 50) throw new Error("batch incomplete");
  return { single_ms: single, batch50_ms: batch };
}, RUNS);
console.log(JSON.stringify(out));
await ctx.close();
server.close();
