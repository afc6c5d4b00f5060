/**
 * The bridge's route contracts: one per route the router serves, each route file validating with
 * exactly the contract of its path and verb (through Sim's `parseRequest`, the way Sim's API audit
 * counts a route as Zod-backed), and every declared answer matching what the bridge returns.
 * Reads the route files next to this module's install place, so it runs in a Sim checkout too.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as contracts from '@/lib/api/contracts/parlant'
import { BRIDGE_ROUTES } from '@/lib/parlant/api/routes'

const all = Object.entries(contracts)

/** `app/api/<path>/route.ts` of a contract path, relative to this file (lib/api/contracts). */
function routeFile(path: string) {
  return readFileSync(new URL(`../../../app${path}/route.ts`, import.meta.url), 'utf8')
}

const agent = {
  id: 'a1',
  workspaceId: 'ws-1',
  name: 'Support',
  description: null,
  compositionMode: 'fluid',
  messageOutputMode: 'block',
  maxEngineIterations: 3,
  guidelines: [{ condition: 'asks', action: 'answer' }],
  parameters: { tone: 'warm' },
  status: 'active',
  lastError: null,
  statusChangedAt: '2026-01-01T00:00:00.000Z',
  parlantAgentId: 'p1',
  version: 2,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
}

describe('parlant route contracts', () => {
  it('declares one contract per bridge route, and the router serves each', () => {
    const served = BRIDGE_ROUTES.map((route) => route.contract)
    expect(new Set(served).size).toBe(served.length)
    expect(served.sort(byKey)).toEqual(all.map(([, contract]) => contract).sort(byKey))
  })

  it.each(all)('%s: its route file validates with it, through parseRequest', (name, contract) => {
    const source = routeFile(contract.path)
    expect(source).toMatch(/from '@\/lib\/api\/contracts\/parlant'/)
    expect(source).toMatch(/import \{ parseRequest \} from '@\/lib\/api\/server'/)
    // The verb's handler parses with this very contract.
    const verb = new RegExp(
      `export const ${contract.method} = withRouteHandler\\((?:(?!export const)[\\s\\S])*parseRequest\\(${name},`
    )
    expect(source).toMatch(verb)
    // Sim's audit: route files build no schemas and import no zod.
    expect(source).not.toMatch(/from 'zod'|\bz\.\w+\(|ZodError|as unknown as|\.json\(\)/)
  })

  it('declares a typed answer and error for every route', () => {
    for (const [, contract] of all) {
      expect(contract.response.mode).toBe('json')
      expect(contract.error).toBeDefined()
    }
  })

  it('accepts what the routes answer', () => {
    expect(
      contracts.listParlantAgentsContract.response.schema.safeParse({
        agents: [agent],
        maxAgents: 10,
      }).success
    ).toBe(true)
    expect(contracts.getParlantAgentContract.response.schema.safeParse({ agent }).success).toBe(
      true
    )
    expect(
      contracts.deleteParlantAgentContract.response.schema.safeParse({
        deleted: true,
        agentId: 'a1',
      }).success
    ).toBe(true)
    expect(
      contracts.getParlantAgentStatusContract.response.schema.safeParse({
        status: {
          agentId: 'a1',
          status: 'error',
          lastError: 'down',
          since: agent.statusChangedAt,
          parlantReachable: false,
        },
      }).success
    ).toBe(true)
    expect(
      contracts.parlantListAgentsToolContract.response.schema.safeParse({
        success: true,
        output: {
          agents: [{ id: 'a1', name: 'Support', description: null, status: 'active' }],
          count: 1,
        },
      }).success
    ).toBe(true)
    expect(
      contracts.parlantGetStatusToolContract.response.schema.safeParse({
        success: true,
        output: {
          agentId: 'a1',
          name: 'Support',
          status: 'inactive',
          lastError: null,
          since: agent.statusChangedAt,
        },
      }).success
    ).toBe(true)
    expect(
      contracts.chatParlantAgentContract.error?.safeParse({
        error: 'Invalid request: message: must not be empty',
        code: 'validation_error',
        details: [{ field: 'message', message: 'must not be empty' }],
      }).success
    ).toBe(true)
    expect(
      contracts.parlantChatToolContract.error?.safeParse({ success: false, error: 'x' }).success
    ).toBe(true)
  })

  it('validates inputs with the bridge’s own messages', () => {
    const create = declared(contracts.createParlantAgentContract.body)
    expect(create.safeParse({ workspaceId: 'ws-1', name: 'a' }).success).toBe(true)
    expect(create.safeParse({ workspaceId: 'ws 1', name: 'a' }).error?.issues[0]).toMatchObject({
      path: ['workspaceId'],
      message: 'may contain only letters, digits, "-" and "_"',
    })
    expect(
      declared(contracts.getParlantAgentContract.params).safeParse({ agentId: '' }).success
    ).toBe(false)
    // Start and stop take no body at all, or one naming the workspace.
    expect(declared(contracts.startParlantAgentContract.body).safeParse(undefined).success).toBe(
      true
    )
    expect(declared(contracts.startParlantAgentContract.body).safeParse({ other: 1 }).success).toBe(
      false
    )
    // Tool bodies carry every block param and Sim's `_context`: unknown keys are fine there.
    expect(
      declared(contracts.parlantChatToolContract.body).safeParse({
        agentId: 'a1',
        message: 'hi',
        _context: { workspaceId: 'ws-1', workflowId: 'wf' },
        operation: 'parlant_chat',
      }).success
    ).toBe(true)
  })
})

/** A slice the contract must declare. */
function declared<S>(schema: S | undefined): S {
  if (!schema) throw new Error('the contract declares no such slice')
  return schema
}

function byKey(a: { method: string; path: string }, b: { method: string; path: string }) {
  return `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`)
}
