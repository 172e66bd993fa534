/**
 * Who may use the test host: a per-start secret, as Jupyter does. The host makes a random token at start (or
 * takes one from `--token` / `TESSERA_HOST_TOKEN`) and prints its URL with it; opening that URL sets an HttpOnly,
 * SameSite=Strict cookie and redirects to the clean URL. Every other request needs the cookie, an
 * `Authorization: Bearer <token>` header or an `X-Tessera-Token` header. Tokens are compared in constant time.
 * Requests addressed to another host name or sent from another origin (DNS rebinding, other sites) are refused
 * before any of that.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A token is 16 to 256 URL-safe characters (the generated one is 43: 32 random bytes in base64url). */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,256}$/;

/** A fresh random token: 32 bytes from the system's CSPRNG, base64url. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Why `token` cannot be used as the host's token, or undefined when it can. */
export function tokenProblem(token: string): string | undefined {
  return TOKEN_PATTERN.test(token)
    ? undefined
    : 'the token must be 16 to 256 characters, each a letter, a digit, "-" or "_"';
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Compares in constant time (of the token's length): the digests are equal in length whatever the input. */
function sameToken(candidate: string, token: string): boolean {
  return timingSafeEqual(digest(candidate), digest(token));
}

/** The value of one cookie of a `Cookie` header, or undefined. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}

export interface Access {
  /** The host names a request may be addressed to: `127.0.0.1:<port>` and `localhost:<port>`. */
  allowedHost(host: string | undefined): boolean;
  /** Whether an `Origin` header (when there is one) is this host's. */
  allowedOrigin(origin: string | undefined): boolean;
  /** Whether the request carries the token in its cookie or a header. */
  authenticated(request: IncomingMessage): boolean;
  /** Whether `candidate` (from the URL's `token` parameter) is the token. */
  isToken(candidate: string): boolean;
  /** The `Set-Cookie` value that lets this browser in from now on. */
  cookie(): string;
}

/**
 * The checks for a host listening on `port`. The cookie's name carries the port: browsers share cookies
 * between ports of one host name, so two hosts side by side would otherwise overwrite each other's.
 */
export function createAccess(token: string, port: number): Access {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const origins = new Set([...hosts].map((host) => `http://${host}`));
  const cookieName = `tessera-token-${port}`;
  return {
    allowedHost: (host) => host !== undefined && hosts.has(host.toLowerCase()),
    allowedOrigin: (origin) => origin === undefined || origins.has(origin.toLowerCase()),
    authenticated: (request) => {
      const authorization = request.headers.authorization;
      const bearer = authorization?.match(/^Bearer +(\S+)$/i)?.[1];
      const header = request.headers['x-tessera-token'];
      const candidates = [
        cookieValue(request.headers.cookie, cookieName),
        bearer,
        typeof header === 'string' ? header : undefined,
      ];
      // Every candidate is compared, so the time taken does not tell which one was present.
      return candidates.reduce<boolean>(
        (found, candidate) => (candidate !== undefined && sameToken(candidate, token)) || found,
        false,
      );
    },
    isToken: (candidate) => sameToken(candidate, token),
    cookie: () => `${cookieName}=${token}; Path=/; HttpOnly; SameSite=Strict`,
  };
}
