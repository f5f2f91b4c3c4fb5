// Browser test of the kyso extension + kyso-agent: Debian's chromium (new headless) with the
// extension loaded in a persistent profile whose NativeMessagingHosts registers the agent.
// A page on http://127.0.0.1:<port> (a configured origin) lists the token's certificates,
// signs a hash and signs in; openssl checks the signatures. A page on http://localhost:<port>
// (not configured) is refused by the extension and never reaches the agent. A page that
// claims another origin in its request gets its true origin shown and signed.
// Env: W (work dir), EXT (extension dir), PROFILE, AGENT_STARTS (log of agent starts).
import { chromium } from "playwright-core";
import { createServer } from "node:http";
import { readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";

const W = process.env.W, EXT = process.env.EXT, PROFILE = process.env.PROFILE;
const STARTS = process.env.AGENT_STARTS;
const SRC = process.env.KYSO_SOURCE;
let pass = 0, fail = 0;
const check = (what, cond, extra) => {
  if (cond) pass++;
  else {
    fail++;
    console.log(`FAIL: ${what}${extra ? ": " + extra : ""}`);
  }
};
const starts = () => (existsSync(STARTS) ? readFileSync(STARTS, "utf8").split("\n").length - 1 : 0);

const pageHtml = `<!doctype html><html lang="vi"><meta charset="utf-8"><title>kyso test</title>
<script src="/kyso-agent.js"></script><body><h1>Ký số thử</h1><pre id="out"></pre></body></html>`;
const server = createServer((req, res) => {
  if (req.url === "/kyso-agent.js") {
    res.writeHead(200, { "content-type": "text/javascript" });
    res.end(readFileSync(`${SRC}/agent/extension/page/kyso-agent.js`));
  } else {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(pageHtml);
  }
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const port = server.address().port;
mkdirSync(`${W}/screens`, { recursive: true });

let ctx;
try {
  ctx = await chromium.launchPersistentContext(PROFILE, {
    executablePath: "/usr/bin/chromium",
    headless: false, // the new headless mode is asked for below; extensions need it
    args: [
      "--headless=new",
      `--disable-extensions-except=${EXT}`,
      `--load-extension=${EXT}`,
      "--no-sandbox",
    ],
    env: process.env,
  });
} catch (e) {
  console.log(`FAIL: chromium did not start: ${e.message}`);
  process.exit(1);
}
let worker = ctx.serviceWorkers()[0];
if (!worker) worker = await ctx.waitForEvent("serviceworker", { timeout: 15000 }).catch(() => null);
check("the extension's service worker runs", !!worker);

const page = await ctx.newPage();
page.on("console", (m) => process.env.DEBUG && console.log("page:", m.text()));
await page.goto(`http://127.0.0.1:${port}/`);
await page.waitForFunction(() => window.kysoAgent && window.kysoAgent.present(), null, { timeout: 10000 })
  .catch(() => {});
check("the content script marks the page", await page.evaluate(() => window.kysoAgent.present()));
await page.screenshot({ path: `${W}/screens/01-allowed-origin.png` });

const list = await page.evaluate(() => kysoAgent.list().catch((e) => ({ error: e.code, message: e.message })));
check("list through the extension", Array.isArray(list.certificates) && list.certificates.length === 3,
  JSON.stringify(list).slice(0, 300));
const rsa = (list.certificates || []).find((c) => c.label === "rsa");
const hash = createHash("sha256").update("Quyết định 12/QĐ-UBND").digest();
writeFileSync(`${W}/b-hash`, hash);
// The page also claims another origin: the extension must replace it with the true one.
const signed = await page.evaluate(
  ([cert, h]) =>
    kysoAgent
      .sign({ cert, origin: "https://kyso.haiphong.gov.vn", hashAlgorithm: "SHA-256",
              documents: [{ title: "Quyết định 12/QĐ-UBND", hash: h }] })
      .catch((e) => ({ error: e.code, message: e.message })),
  [rsa && rsa.id, hash.toString("base64")],
);
check("sign through the extension", signed.signatures && signed.signatures.length === 1,
  JSON.stringify(signed).slice(0, 300));
if (signed.signatures) {
  writeFileSync(`${W}/b-sig`, Buffer.from(signed.signatures[0], "base64"));
  let verified = false;
  try {
    execFileSync("openssl", ["pkeyutl", "-verify", "-pubin", "-inkey", `${W}/rsa.pub.pem`, "-in",
      `${W}/b-hash`, "-sigfile", `${W}/b-sig`, "-pkeyopt", "digest:sha256"], { stdio: "pipe" });
    verified = true;
  } catch (e) { /* verified stays false */ }
  check("openssl verifies the browser's signature", verified);
}
const shown = existsSync(`${W}/pinentry.log`) ? readFileSync(`${W}/pinentry.log`, "utf8") : "";
check("the dialog showed the page's true origin", shown.includes(`http://127.0.0.1:${port} `), shown.slice(0, 200));
check("the page's claimed origin was not shown", !shown.includes("kyso.haiphong.gov.vn"));
check("the dialog showed the hash prefix", shown.includes(hash.subarray(0, 8).toString("hex")));

const challenge = createHash("sha256").update(String(Date.now())).digest("base64");
const auth = await page.evaluate(
  ([cert, c]) => kysoAgent.authenticate({ cert, challenge: c }).catch((e) => ({ error: e.code })),
  [rsa && rsa.id, challenge],
);
check("authenticate through the extension", auth.authToken && auth.authToken.format === "web-eid:1.0",
  JSON.stringify(auth).slice(0, 200));
if (auth.authToken) {
  const origin = `http://127.0.0.1:${port}`;
  const data = Buffer.concat([createHash("sha256").update(origin).digest(),
    createHash("sha256").update(challenge).digest()]);
  writeFileSync(`${W}/b-authdata`, data);
  writeFileSync(`${W}/b-authsig`, Buffer.from(auth.authToken.signature, "base64"));
  let ok = false;
  try {
    execFileSync("openssl", ["dgst", "-sha256", "-verify", `${W}/rsa.pub.pem`, "-signature",
      `${W}/b-authsig`, `${W}/b-authdata`], { stdio: "pipe" });
    ok = true;
  } catch (e) { /* ok stays false */ }
  check("openssl verifies the auth token over the true origin", ok);
}
await page.evaluate(([s, a]) => {
  document.getElementById("out").textContent =
    `Chữ ký: ${s}\nXác thực: ${a}`;
}, [signed.signatures ? signed.signatures[0].slice(0, 60) + "…" : "lỗi", auth.authToken ? auth.authToken.algorithm : "lỗi"]);
await page.screenshot({ path: `${W}/screens/02-after-signing.png` });

// A page of an origin the extension is not configured for.
const before = starts();
const other = await ctx.newPage();
await other.goto(`http://localhost:${port}/`);
await other.waitForFunction(() => window.kysoAgent && window.kysoAgent.present(), null, { timeout: 10000 })
  .catch(() => {});
const refused = await other.evaluate(
  ([h]) => kysoAgent.sign({ hashAlgorithm: "SHA-256", documents: [{ title: "x", hash: h }] })
    .then((r) => ({ ok: true, r }), (e) => ({ error: e.code })),
  [hash.toString("base64")],
);
check("another origin is refused by the extension", refused.error === "origin-not-allowed",
  JSON.stringify(refused));
const refusedList = await other.evaluate(() => kysoAgent.list().then(() => "ok", (e) => e.code));
check("another origin cannot even list certificates", refusedList === "origin-not-allowed");
check("the agent was never started for the other origin", starts() === before, `${before} -> ${starts()}`);
await other.evaluate((r) => { document.getElementById("out").textContent = `Từ chối: ${r}`; }, refused.error);
await other.screenshot({ path: `${W}/screens/03-other-origin-refused.png` });

await ctx.close();
server.close();
console.log(`${pass} passed, ${fail} failed`);
process.exit(fail === 0 && pass > 0 ? 0 : 1);
