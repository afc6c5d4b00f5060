/** `loadBridgeConfig`'s check of `PARLANT_SERVER_URL`: what the client can append paths to. */
import { describe, expect, it } from 'vitest'
import { ConfigError, loadBridgeConfig } from '@/lib/parlant/config'

const withServer = (url: string) => () => loadBridgeConfig({ PARLANT_SERVER_URL: url })

describe('PARLANT_SERVER_URL', () => {
  it('takes an http(s) URL, with or without a path', () => {
    for (const url of ['http://127.0.0.1:8800', 'https://parlant.example.com/api/']) {
      expect(withServer(url)().parlantServerUrl).toBe(url)
    }
  })

  it('refuses another scheme, naming the variable', () => {
    for (const url of ['ftp://parlant.example.com', 'parlant.example.com:8800']) {
      expect(withServer(url)).toThrow(ConfigError)
      expect(withServer(url)).toThrow(/PARLANT_SERVER_URL: must be an http\(s\) URL/)
    }
  })

  it('refuses a query or a fragment, which would swallow the paths appended to it', () => {
    for (const url of [
      'http://127.0.0.1:8800/?token=x',
      'http://127.0.0.1:8800/#x',
      'http://h/?',
    ]) {
      expect(withServer(url)).toThrow(/PARLANT_SERVER_URL: must not have a query or fragment/)
    }
  })

  it('reads an empty value as unset (the emulator)', () => {
    expect(withServer('')().parlantServerUrl).toBeUndefined()
  })
})
