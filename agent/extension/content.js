// kyso extension, content script: the bridge between a page and the background. A page asks
// with window.postMessage({kyso: "request", nonce, command, ...}); the answer comes back as
// {kyso: "response", nonce, ...}. The nonce (a fresh random value per request, as Web eID's
// library uses) lets the page match answers; the page's claims about its origin are ignored:
// the background takes the origin from the browser.
(() => {
  const api = typeof browser !== "undefined" ? browser : chrome;
  window.addEventListener("message", (event) => {
    if (event.source !== window || !event.data || event.data.kyso !== "request") return;
    const { nonce } = event.data;
    if (typeof nonce !== "string" || nonce.length < 16 || nonce.length > 64) return;
    const msg = Object.assign({}, event.data);
    delete msg.kyso;
    delete msg.nonce;
    delete msg.origin; // never the page's word
    api.runtime.sendMessage(msg).then(
      (reply) => window.postMessage({ kyso: "response", nonce, reply }, window.location.origin),
      (err) =>
        window.postMessage(
          { kyso: "response", nonce, reply: { ok: false, error: "extension", message: String(err) } },
          window.location.origin,
        ),
    );
  });
  // Lets the page know the extension is there without a round trip to the agent.
  document.documentElement.dataset.kysoExtension = "0.1.0";
})();
