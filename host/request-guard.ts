/**
 * The standalone host's request checks against DNS rebinding and cross-site requests: it answers
 * only for the names it serves (421 otherwise), signs the dev user in only when bound to
 * loopback, and lets a cookie-authenticated request change something only when it is JSON from
 * the page's own origin.
 */

/** Methods that change nothing: a session cookie may read with them from anywhere it is sent. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** The name part of a `Host` header or URL host: lower case, no port, no brackets, no final dot. */
export function hostName(host: string): string {
  const trimmed = host.trim().toLowerCase()
  let name: string
  if (trimmed.startsWith('[')) {
    const end = trimmed.indexOf(']')
    name = trimmed.slice(1, end > 0 ? end : undefined)
  } else if (trimmed.indexOf(':') !== trimmed.lastIndexOf(':')) {
    name = trimmed // a bare IPv6 address has no port to strip
  } else {
    name = trimmed.replace(/:\d*$/, '')
  }
  return name.replace(/\.$/, '')
}

/**
 * Whether `name` means this machine: `localhost`, 127/8, `::1`. Not `*.localhost`: browsers pin it
 * to loopback, but other resolvers may ask DNS, so it is served only when listed.
 */
export function isLoopbackName(name: string): boolean {
  const n = hostName(name)
  return n === 'localhost' || n === '::1' || /^127(\.\d{1,3}){3}$/.test(n)
}

/**
 * Whether a `Host` header's port, if any, is one a URL can carry (0–65535): HTTP answers 400 to
 * any other, so the socket.io handshake must not accept it either.
 */
function hasValidPort(host: string): boolean {
  const trimmed = host.trim()
  const end = trimmed.startsWith('[') ? trimmed.indexOf(']') + 1 : 0
  const rest = trimmed.slice(end)
  // A bare IPv6 address (several colons, no brackets) has no port.
  if (end === 0 && rest.indexOf(':') !== rest.lastIndexOf(':')) return true
  const colon = rest.lastIndexOf(':')
  if (colon < 0) return end === 0 || rest === ''
  const port = rest.slice(colon + 1)
  return /^\d{0,5}$/.test(port) && (port === '' || Number(port) <= 65_535)
}

/** Wildcard binds: they serve every interface, so they name none. */
const WILDCARD_BINDS = new Set(['0.0.0.0', '::', '[::]'])

/**
 * Whether the host may answer a request that names `host` (its `Host` header): a loopback name,
 * the configured bind address (unless a wildcard), or one of `extraNames` (`ALLOWED_HOSTS`).
 */
export function createHostCheck(bindHost: string, extraNames: readonly string[] = []) {
  const allowed = new Set(extraNames.map(hostName).filter((n) => n.length > 0))
  if (!WILDCARD_BINDS.has(bindHost.trim())) allowed.add(hostName(bindHost))
  return (host: string | null | undefined): boolean => {
    if (!host || !hasValidPort(host)) return false
    const name = hostName(host)
    return name.length > 0 && (isLoopbackName(name) || allowed.has(name))
  }
}

/** `Sec-Fetch-Site` values of a request the page's own user started (see `mayStartSession`). */
const OWN_SITES = new Set(['none', 'same-origin', 'same-site'])

/**
 * Whether a `GET /` may sign the dev user in (mint a session): only a top-level navigation that is
 * not cross-site. A cross-site request never carries the SameSite=Strict cookie, so minting on it
 * would let a foreign page push the user's live sessions out (forced logout). Same-site requests
 * do carry the cookie, so they mint only when there is none. Without Sec-Fetch headers (curl,
 * older browsers) the request is taken as a navigation.
 */
export function mayStartSession(headers: Headers): boolean {
  const site = headers.get('sec-fetch-site')
  const dest = headers.get('sec-fetch-dest')
  if (site !== null && !OWN_SITES.has(site.trim().toLowerCase())) return false
  if ((site !== null || dest !== null) && dest?.trim().toLowerCase() !== 'document') return false
  return true
}

/**
 * Whether an `Origin` header names this host: the same scheme (the host serves `http:`), host and
 * port, and nothing else — no `user@` part (browsers never send one; the rule stays exact).
 */
function sameOrigin(origin: string, host: string, scheme: string): boolean {
  if (origin === 'null') return false
  let parsed: URL
  try {
    parsed = new URL(origin)
  } catch {
    return false
  }
  if (parsed.username !== '' || parsed.password !== '' || origin.includes('@')) return false
  if (parsed.protocol !== scheme) return false
  return parsed.host.toLowerCase() === host.trim().toLowerCase()
}

/** Why a cookie-authenticated request may not change anything, or null when it may. */
export function cookieWriteRefusal(request: Request): string | null {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return null
  const type = request.headers.get('content-type') ?? ''
  if (!/^application\/json\s*(;|$)/i.test(type.trim())) {
    return 'Changes made with the session cookie must be sent as application/json'
  }
  const own = new URL(request.url)
  const host = request.headers.get('host') ?? own.host
  const origin = request.headers.get('origin')
  if (origin !== null) {
    if (sameOrigin(origin, host, own.protocol)) return null
    return 'Changes made with the session cookie must come from this origin'
  }
  // No Origin (older browsers on same-origin requests): the browser's own Sec-Fetch-Site says.
  if (request.headers.get('sec-fetch-site') === 'same-origin') return null
  return 'Changes made with the session cookie must come from this origin'
}
