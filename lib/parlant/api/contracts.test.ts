/**
 * The request shapes of the bridge's routes, and how a failure becomes the bridge's answer: a 400
 * whose details name each invalid field (also when Sim's `parseRequest` does the parsing).
 */

import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  chatBodySchema,
  issueTokenBodySchema,
  toolAgentBodySchema,
  toolChatBodySchema,
  toolListBodySchema,
  updateAgentBodySchema,
  workspaceQuerySchema,
} from '@/lib/parlant/api/contracts'
import { parseOrThrow, validationError } from '@/lib/parlant/api/http'
import { parlantParseOptions } from '@/lib/parlant/api/route-entry'
import { BridgeError } from '@/lib/parlant/errors'
import { MAX_TOKEN_TTL_SECONDS } from '@/lib/parlant/tokens'

function failure(run: () => unknown): BridgeError {
  try {
    run()
  } catch (error) {
    if (error instanceof BridgeError) return error
    throw error
  }
  throw new Error('expected a BridgeError')
}

describe('request shapes', () => {
  it('chat: a message is required, the rest optional and bounded', () => {
    expect(chatBodySchema.safeParse({ message: 'hi' }).success).toBe(true)
    expect(chatBodySchema.safeParse({ message: 'hi', deadlineMs: 999 }).success).toBe(false)
    expect(chatBodySchema.safeParse({ message: 'hi', deadlineMs: 600_001 }).success).toBe(false)
    expect(chatBodySchema.safeParse({ message: 'hi', extra: true }).success).toBe(false)
  })

  it('tokens: the lifetime is bounded by the maximum', () => {
    const body = { workspaceId: 'ws', agentId: 'a' }
    expect(issueTokenBodySchema.safeParse(body).success).toBe(true)
    expect(issueTokenBodySchema.safeParse({ ...body, expiresInSeconds: 59 }).success).toBe(false)
    expect(
      issueTokenBodySchema.safeParse({ ...body, expiresInSeconds: MAX_TOKEN_TTL_SECONDS + 1 })
        .success
    ).toBe(false)
  })

  it('update: the workspace may come from the query instead', () => {
    expect(updateAgentBodySchema.parse({ name: 'b' })).toEqual({ name: 'b' })
  })

  it('tools: Sim’s params and context pass; ids and types are still checked', () => {
    expect(toolListBodySchema.safeParse(undefined).success).toBe(true)
    expect(toolAgentBodySchema.safeParse({ agentId: 'a', operation: 'x' }).success).toBe(true)
    expect(toolAgentBodySchema.safeParse({ agentId: 'a b' }).success).toBe(false)
    expect(
      toolChatBodySchema.safeParse({ agentId: 'a', message: 'hi', autoStart: 'yes' }).success
    ).toBe(false)
  })
})

describe('validation failures', () => {
  it('name every invalid field, an unknown key by its own name', () => {
    const error = failure(() =>
      parseOrThrow(updateAgentBodySchema, { maxEngineIterations: 99, colour: 'red' })
    )
    expect(error.status).toBe(400)
    expect(error.code).toBe('validation_error')
    expect(error.details?.map((d) => d.field).sort()).toEqual(['colour', 'maxEngineIterations'])
    expect(error.message).toMatch(/^Invalid request: /)
    expect(error.message).toContain('colour: is not a known field')
  })

  it('name the body itself when it is missing', () => {
    const error = failure(() => parseOrThrow(chatBodySchema, undefined))
    expect(error.details?.[0]?.field).toBe('body')
  })

  it('name a query field', () => {
    const error = failure(() => parseOrThrow(workspaceQuerySchema, {}))
    expect(error.details?.[0]?.field).toBe('workspaceId')
  })
})

describe('parlantParseOptions (what route files give Sim’s parseRequest)', () => {
  it('throws the bridge’s errors so the bridge answers in the route’s own shape', () => {
    const zodError = z.object({ agentId: z.string() }).safeParse({}).error
    if (!zodError) throw new Error('expected a zod error')
    const invalid = failure(() => parlantParseOptions.validationErrorResponse(zodError))
    expect(invalid.toBody()).toEqual(validationError(zodError).toBody())
    expect(invalid.details?.[0]?.field).toBe('agentId')

    expect(failure(() => parlantParseOptions.invalidJsonResponse()).toBody()).toMatchObject({
      code: 'validation_error',
      details: [{ field: 'body', message: 'is not valid JSON' }],
    })
    const tooLarge = failure(() => parlantParseOptions.payloadTooLargeResponse())
    expect(tooLarge.status).toBe(413)
    expect(tooLarge.code).toBe('payload_too_large')
  })

  it('reads an optional body within the bridge’s limit', () => {
    expect(parlantParseOptions.optionalJsonBody).toBe(true)
    expect(parlantParseOptions.maxBodyBytes).toBe(1024 * 1024)
  })
})
