// kyso-agent.js — the page's side of the kyso extension: a small promise-based API for the
// kysod web UI (include it as a module or a classic script).
//   await kysoAgent.list()                      → {certificates: [...]}
//   await kysoAgent.sign({cert, hashAlgorithm: "SHA-256", documents: [{title, hash}]})
//                                               → {signatures: [base64, ...]}
//   await kysoAgent.authenticate({cert, challenge}) → {authToken: {...web-eid:1.0}}
// A refused or failed request rejects with an Error whose .code is the agent's error code
// ("user-cancelled", "pin-locked", "origin-not-allowed", ...) and .message its text.
(function (root) {
  const TIMEOUT_MS = 5 * 60 * 1000; // a person may take a while with the PIN
  function call(command, args) {
    const nonce = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
      b.toString(16).padStart(2, "0"),
    ).join("");
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        window.removeEventListener("message", onMessage);
        const e = new Error("the kyso extension did not answer");
        e.code = "no-extension";
        reject(e);
      }, args && args.timeoutMs ? args.timeoutMs : TIMEOUT_MS);
      function onMessage(event) {
        if (event.source !== window || !event.data || event.data.kyso !== "response") return;
        if (event.data.nonce !== nonce) return;
        window.removeEventListener("message", onMessage);
        clearTimeout(timer);
        const r = event.data.reply || {};
        if (r.ok) resolve(r);
        else {
          const e = new Error(r.message || r.error || "kyso agent error");
          e.code = r.error || "error";
          reject(e);
        }
      }
      window.addEventListener("message", onMessage);
      const msg = Object.assign({}, args || {}, { kyso: "request", nonce, command });
      delete msg.timeoutMs;
      window.postMessage(msg, window.location.origin);
    });
  }
  root.kysoAgent = {
    present: () => document.documentElement.dataset.kysoExtension !== undefined,
    version: (o) => call("version", o),
    list: (o) => call("list", o),
    sign: (o) => call("sign", o),
    authenticate: (o) => call("authenticate", o),
  };
})(typeof window !== "undefined" ? window : this);
