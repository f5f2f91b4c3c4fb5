// The browser part of token_e2e.py: Debian's chromium (new headless mode, persistent profile,
// the kyso extension loaded, kyso-agent registered for the test HOME) on kysod's own web UI.
// The leader signs in with the token, signs one decision on #/sign-token, then ten documents
// from "Ký hàng loạt" in one batch; the scripted pinentry's log must show ONE GETPIN for the ten.
// Env: W, EXT, PROFILE, KYSOD_URL, DOC_ONE, DOC_BATCH. Screenshots in $W/screens.
import { chromium } from "playwright-core";
import { existsSync, mkdirSync, readFileSync } from "node:fs";

const { W, EXT, PROFILE, KYSOD_URL, DOC_ONE, DOC_BATCH } = process.env;
let pass = 0, fail = 0;
const check = (what, cond, extra) => {
  if (cond) pass++;
  else {
    fail++;
    console.log(`FAIL: ${what}${extra ? ": " + extra : ""}`);
  }
};
const getpins = () => {
  const f = `${W}/pinentry.log`;
  return existsSync(f) ? readFileSync(f, "utf8").split("\n").filter((l) => l.startsWith("GETPIN")).length : 0;
};
mkdirSync(`${W}/screens`, { recursive: true });

let ctx;
try {
  ctx = await chromium.launchPersistentContext(PROFILE, {
    executablePath: "/usr/bin/chromium",
    headless: false, // the new headless mode is asked for below; extensions need it
    args: ["--headless=new", `--disable-extensions-except=${EXT}`, `--load-extension=${EXT}`, "--no-sandbox"],
    env: process.env,
    locale: "vi-VN",
  });
} catch (e) {
  console.log(`FAIL: chromium did not start: ${e.message}`);
  process.exit(1);
}
const page = await ctx.newPage();
page.on("console", (m) => process.env.DEBUG && console.log("page:", m.text()));
const shot = (name) => page.screenshot({ path: `${W}/screens/${name}.png`, fullPage: true });

try {
  // ---- sign-in with the token ----
  await page.goto(`${KYSOD_URL}/`);
  const tokenButton = page.getByRole("button", { name: "Đăng nhập bằng thiết bị ký số" });
  await tokenButton.waitFor({ timeout: 15000 });
  await page.waitForFunction(() => document.documentElement.dataset.kysoExtension !== undefined, null,
    { timeout: 10000 }).catch(() => {});
  await shot("01-signin");
  const pins0 = getpins();
  await tokenButton.click();
  await page.locator(".userchip__name").waitFor({ timeout: 60000 }).catch(() => {});
  const who = await page.locator(".userchip__name").textContent().catch(() => null);
  check("signed in with the token as the leader", who === "Nguyen Van A", String(who));
  check("sign-in asked for the PIN once", getpins() === pins0 + 1, `${pins0} -> ${getpins()}`);
  const shown = existsSync(`${W}/pinentry.log`) ? readFileSync(`${W}/pinentry.log`, "utf8") : "";
  check("the sign-in dialog named kysod's origin", shown.includes(KYSOD_URL), shown.slice(0, 300));
  await shot("02-home-after-token-signin");

  // ---- one decision on #/sign-token ----
  await page.goto(`${KYSOD_URL}/#/sign-token?docs=${DOC_ONE}`);
  const signOne = page.getByRole("button", { name: "Ký 1 văn bản" });
  await signOne.waitFor({ timeout: 30000 });
  await page.locator("#token-cert").waitFor({ timeout: 30000 });
  await shot("03-sign-one");
  const pins1 = getpins();
  await signOne.click();
  const done1 = page.locator(".notice--success, [role=status]").filter({ hasText: "Đã ký 1 văn bản" }).first();
  await done1.waitFor({ timeout: 60000 }).catch(() => {});
  check("the decision is signed through the UI", await done1.isVisible().catch(() => false),
    await page.locator("main").innerText().catch(() => ""));
  check("one PIN for the decision", getpins() === pins1 + 1, `${pins1} -> ${getpins()}`);
  await shot("04-signed-one");

  // ---- "Ký hàng loạt": the ten waiting documents, one batch ----
  await page.goto(`${KYSOD_URL}/#/sign-batch`);
  const list = page.getByTestId("batch-list");
  await list.waitFor({ timeout: 30000 });
  const boxes = await list.locator("input[type=checkbox]").count();
  check("the ten approved documents wait for my signature", boxes === 10, String(boxes));
  await shot("05-batch-list");
  await page.getByRole("button", { name: "Ký các văn bản đã chọn (10)" }).click();
  const signTen = page.getByRole("button", { name: "Ký 10 văn bản" });
  await signTen.waitFor({ timeout: 30000 });
  const ids = (DOC_BATCH || "").split(",").sort().join(",");
  const url = new URL(page.url().replace("#/", "/"));
  check("the batch goes to #/sign-token with the ten ids", (url.searchParams.get("docs") || "").split(",").sort().join(",") === ids, page.url());
  await shot("06-batch-sign");
  const pins2 = getpins();
  await signTen.click();
  const done10 = page.locator(".notice--success, [role=status]").filter({ hasText: "Đã ký 10 văn bản" }).first();
  await done10.waitFor({ timeout: 120000 }).catch(() => {});
  check("the batch of ten is signed", await done10.isVisible().catch(() => false),
    await page.locator("main").innerText().catch(() => ""));
  check("ONE PIN request for the batch of ten", getpins() === pins2 + 1, `${pins2} -> ${getpins()}`);
  const dialog = readFileSync(`${W}/pinentry.log`, "utf8");
  check("the batch dialog listed the documents", dialog.includes("Quyet dinh so 1") || dialog.includes("Quyet dinh: "),
    dialog.slice(-600));
  await shot("07-batch-signed");
} catch (e) {
  check("no exception in the browser part", false, e.stack);
  await shot("99-error").catch(() => {});
}
await ctx.close();

// Without the extension: the button says what to install instead of failing silently.
try {
  const bare = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless=new", "--no-sandbox"] });
  const p2 = await (await bare.newContext({ locale: "vi-VN" })).newPage();
  await p2.goto(`${KYSOD_URL}/`);
  await p2.getByRole("button", { name: "Đăng nhập bằng thiết bị ký số" }).click();
  const msg = p2.getByRole("alert").filter({ hasText: "tiện ích" });
  await msg.waitFor({ timeout: 15000 }).catch(() => {});
  check("without the extension the page says how to install it", await msg.isVisible().catch(() => false),
    await p2.locator("main").innerText().catch(() => ""));
  await p2.screenshot({ path: `${W}/screens/08-no-extension.png`, fullPage: true });
  await bare.close();
} catch (e) {
  check("no exception without the extension", false, e.stack);
}
console.log(`browser: ${pass} passed, ${fail} failed`);
process.exit(fail === 0 && pass > 0 ? 0 : 1);
