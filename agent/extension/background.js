// kyso extension, background: the only part that talks to kyso-agent (native messaging).
// It trusts nothing the page says about where it comes from: the origin passed to the agent
// is the browser's own record of the sending frame (sender.origin, else sender.url), and a
// request from any origin not in KYSO_ALLOWED_ORIGINS, or from a sub-frame, is refused
// without starting the agent. Only the members each command needs are passed on.
/* global KYSO_ALLOWED_ORIGINS, importScripts */
if (typeof KYSO_ALLOWED_ORIGINS === "undefined" && typeof importScripts === "function") {
  importScripts("config.js"); // Chromium's service worker; Firefox lists config.js itself
}
const api = typeof browser !== "undefined" ? browser : chrome;
const HOST = "vn.kyso.agent";
const COMMANDS = {
  version: [],
  list: [],
  sign: ["cert", "hashAlgorithm", "signatureAlgorithm", "documents"],
  authenticate: ["cert", "challenge"],
};

function originAllowed(origin) {
  let u;
  try {
    u = new URL(origin);
  } catch (e) {
    return false;
  }
  if (u.origin !== origin) return false;
  for (const entry of KYSO_ALLOWED_ORIGINS) {
    if (entry === origin && u.protocol === "https:") return true;
    if (entry === "http://127.0.0.1:*" && u.protocol === "http:" && u.hostname === "127.0.0.1")
      return true;
    if (entry === origin && u.protocol === "http:" && u.hostname === "127.0.0.1") return true;
  }
  return false;
}

function senderOrigin(sender) {
  if (sender.origin && sender.origin !== "null") return sender.origin;
  try {
    return new URL(sender.url).origin;
  } catch (e) {
    return null;
  }
}

// Refusals read like the agent's: Vietnamese first, English beside it.
function refuse(code, message, messageEn) {
  return { ok: false, error: code, message, messageEn };
}

async function handle(msg, sender) {
  if (sender.id !== api.runtime.id) return refuse("refused", "yêu cầu không đến từ tiện ích kyso", "not from this extension");
  if (sender.frameId !== undefined && sender.frameId !== 0)
    return refuse("origin-not-allowed", "kyso chỉ trả lời trang chính, không trả lời khung nhúng",
      "kyso answers top-level pages only");
  const origin = senderOrigin(sender);
  if (!origin || !originAllowed(origin))
    return refuse("origin-not-allowed",
      `${origin} không phải máy chủ kyso mà tiện ích này phục vụ`,
      `origin ${origin} is not a kyso server of this extension`);
  if (!msg || typeof msg !== "object" || !Object.hasOwn(COMMANDS, msg.command))
    return refuse("bad-request", "lệnh không xác định", "unknown command");
  const req = { command: msg.command, origin };
  if (msg.lang === "en" || msg.lang === "vi") req.lang = msg.lang;
  for (const k of COMMANDS[msg.command]) if (msg[k] !== undefined) req[k] = msg[k];
  try {
    return await api.runtime.sendNativeMessage(HOST, req);
  } catch (e) {
    const why = String((e && e.message) || e);
    return refuse("agent-unavailable", `không liên lạc được với kyso-agent (đã cài đặt chưa?): ${why}`,
      `cannot reach kyso-agent (is it installed?): ${why}`);
  }
}

api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  handle(msg, sender).then(sendResponse);
  return true; // the answer comes asynchronously
});
