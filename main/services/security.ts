/**
 * The Content-Security-Policy of every Tessera page: only our own scripts, no eval, no plugins, no remote
 * connections. Styles allow 'unsafe-inline' because Svelte Flow positions nodes with inline styles. The same
 * policy is set as a response header (app and test host) and as a meta tag in renderer/index.html.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
