/** Properties of the host's Host and cookie-write checks (fast-check over names, origins, types). */
import fc from 'fast-check'
import { cookieWriteRefusal, createHostCheck, hostName } from '@/host/request-guard'

const port = fc.integer({ min: 1, max: 65_535 })
const loopback = fc.oneof(
  fc.constant('localhost'),
  fc.constant('[::1]'),
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)).map(([a, b, c]) => `127.${a}.${b}.${c}`)
)
/** A DNS name an attacker could own (never one of the served names). */
const foreign = fc
  .domain()
  .filter((d) => !['localhost', 'bridge.example'].includes(d) && !/^127\./.test(d))

describe('the Host check', () => {
  const allowed = createHostCheck('127.0.0.1', ['bridge.example'])

  it('serves every loopback name on any port, in any case', () => {
    fc.assert(
      fc.property(loopback, port, fc.boolean(), (name, p, upper) => {
        const host = `${upper ? name.toUpperCase() : name}:${p}`
        expect(allowed(host)).toBe(true)
      })
    )
  })

  it('refuses any other name, also dressed up as a loopback one', () => {
    fc.assert(
      fc.property(foreign, port, (name, p) => {
        for (const host of [name, `${name}:${p}`, `127.0.0.1.${name}:${p}`, `localhost.${name}`])
          expect(allowed(host)).toBe(false)
      })
    )
    expect(allowed(undefined)).toBe(false)
    expect(allowed('')).toBe(false)
    expect(allowed('bridge.example:443')).toBe(true)
    // A wildcard bind names no host.
    expect(createHostCheck('0.0.0.0')('0.0.0.0:3000')).toBe(false)
  })

  it('reads the name of a Host header', () => {
    expect(hostName('[::1]:3000')).toBe('::1')
    expect(hostName('::1')).toBe('::1')
    expect(hostName('LocalHost.:80')).toBe('localhost')
  })

  it('refuses a served name with a port no URL can carry', () => {
    fc.assert(
      fc.property(loopback, fc.integer({ min: 65_536, max: 10_000_000 }), (name, p) => {
        expect(allowed(`${name}:${p}`)).toBe(false)
      })
    )
    for (const host of ['127.0.0.1:-1', 'localhost:8o', '[::1]x', 'bridge.example:1:2'])
      expect(allowed(host), host).toBe(false)
    for (const host of ['127.0.0.1:', '[::1]', '::1', 'localhost:0', 'bridge.example:65535'])
      expect(allowed(host), host).toBe(true)
  })
})

describe('cookie-authenticated changes', () => {
  const here = '127.0.0.1:3000'
  const request = (method: string, headers: Record<string, string>) =>
    new Request(`http://${here}/api/parlant/agents`, {
      method,
      headers: { host: here, ...headers },
    })
  const changing = fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE')

  it('reads are never refused', () => {
    fc.assert(
      fc.property(fc.constantFrom('GET', 'HEAD', 'OPTIONS'), fc.webUrl(), (method, origin) => {
        expect(cookieWriteRefusal(request(method, { origin }))).toBeNull()
      })
    )
  })

  it('a change that is not JSON is refused, whatever its origin', () => {
    const notJson = fc
      .string()
      .filter((t) => !/^application\/json\s*(;|$)/i.test(t.trim()) && /^[\x20-\x7e]*$/.test(t))
    fc.assert(
      fc.property(changing, notJson, (method, type) => {
        const headers: Record<string, string> = { origin: `http://${here}` }
        if (type) headers['content-type'] = type
        expect(cookieWriteRefusal(request(method, headers))).not.toBeNull()
      })
    )
  })

  it('a JSON change from any other origin is refused; from this one it passes', () => {
    fc.assert(
      fc.property(changing, fc.webUrl(), (method, url) => {
        const origin = new URL(url).origin
        const verdict = cookieWriteRefusal(
          request(method, { 'content-type': 'application/json', origin })
        )
        const parsed = new URL(origin)
        expect(verdict === null).toBe(parsed.host === here && parsed.protocol === 'http:')
      })
    )
    expect(
      cookieWriteRefusal(
        request('POST', { 'content-type': 'application/json', origin: `http://${here}` })
      )
    ).toBeNull()
  })

  it('compares the scheme too, and refuses an Origin with a user part', () => {
    const json = (origin: string) =>
      cookieWriteRefusal(request('POST', { 'content-type': 'application/json', origin }))
    expect(json(`https://${here}`)).not.toBeNull()
    expect(json(`ws://${here}`)).not.toBeNull()
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9]{1,12}$/),
        fc.option(fc.stringMatching(/^[a-z0-9]{1,12}$/), { nil: undefined }),
        (user, password) => {
          const who = password === undefined ? user : `${user}:${password}`
          expect(json(`http://${who}@${here}`)).not.toBeNull()
        }
      )
    )
    expect(json(`http://${here}`)).toBeNull()
  })
})
