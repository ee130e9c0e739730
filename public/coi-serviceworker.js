/*
 * Cross-origin isolation for hosts that cannot send headers (GitHub Pages and other static hosts).
 *
 * SharedArrayBuffer needs a cross-origin isolated page, which takes two response headers:
 *   Cross-Origin-Opener-Policy: same-origin
 *   Cross-Origin-Embedder-Policy: require-corp
 * A server that can send them needs none of this. Otherwise this one file does two jobs:
 *   - loaded by the page (a classic <script>), it registers itself as a service worker and reloads once;
 *   - running as that service worker, it adds the two headers to every response it passes on.
 * It never reloads twice in a row, so a browser that refuses isolation still gets a working page
 * (the simulation then runs on the page's thread, and the page explains the headers).
 */
/* global self, window, document, location */
(() => {
  const RELOAD_FLAG = 'virtio-viz.coi-reloaded';

  if (typeof window === 'undefined') {
    // ---- the service worker
    self.addEventListener('install', () => self.skipWaiting());
    self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
    self.addEventListener('fetch', (event) => {
      const request = event.request;
      // Chrome sends these for devtools; fetch() rejects them outside same-origin mode.
      if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
      event.respondWith(
        fetch(request).then((response) => {
          if (response.status === 0) return response; // opaque: headers cannot be changed
          const headers = new Headers(response.headers);
          headers.set('Cross-Origin-Opener-Policy', 'same-origin');
          headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
          headers.set('Cross-Origin-Resource-Policy', 'cross-origin');
          return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
        }),
      );
    });
    return;
  }

  // ---- the page
  if (window.crossOriginIsolated) {
    sessionStorage.removeItem(RELOAD_FLAG);
    return;
  }
  if (!window.isSecureContext || !('serviceWorker' in navigator)) return;
  const script = document.currentScript && document.currentScript.src;
  if (!script) return;
  navigator.serviceWorker
    .register(script)
    .then(() => navigator.serviceWorker.ready)
    .then(() => {
      // Reloaded once already and still not isolated: the browser will not do it; stop here.
      if (sessionStorage.getItem(RELOAD_FLAG)) return;
      sessionStorage.setItem(RELOAD_FLAG, '1');
      location.reload();
    })
    .catch((error) => console.warn('cross-origin isolation service worker not installed:', error));
})();
