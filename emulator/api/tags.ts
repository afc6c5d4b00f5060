/**
 * `/tags`, from Parlant's `api/tags.py` and `core/tags.py`: names are unique only at creation —
 * a duplicate raises `ValueError` in the store, uncaught, so the answer is a bare 500 — and a
 * rename is not checked. Also `ensureTag`, the existence check other resources run on tag ids.
 */
import { Hono } from 'hono'
import { z } from 'zod'
import type { ApiContext } from '@/emulator/api/context'
import { type Env, itemNotFound, readBody, readQuery, uncaught } from '@/emulator/api/http'
import { type EmulatorStore, generateId } from '@/emulator/store'

const tagNameField = z.string().min(1).max(50)
const tagParamsDto = z.object({ name: tagNameField })

/** Which kinds of built-in tag ids a resource resolves (Parlant's per-module `_ensure_tag`). */
export type TagScope = 'agents' | 'customers' | 'guidelines'

/**
 * Throws Parlant's 404 unless `tagId` exists. Agents check the tag store only; customers and
 * guidelines resolve `agent:<id>` to the agent, and guidelines `journey:<id>` to a journey (the
 * emulator has none).
 */
const listQuery = z.object({ name: z.string().optional() })

export function ensureTag(store: EmulatorStore, tagId: string, scope: TagScope) {
  if (scope !== 'agents' && tagId.startsWith('agent:')) {
    const agentId = tagId.split(':')[1] ?? ''
    if (!store.agents.has(agentId)) throw itemNotFound(agentId)
    return
  }
  if (scope === 'guidelines' && tagId.startsWith('journey:')) {
    throw itemNotFound(tagId.split(':')[1] ?? '')
  }
  if (!store.tags.has(tagId)) throw itemNotFound(tagId)
}

export function tagsRouter({ store }: ApiContext) {
  const router = new Hono<Env>()
  router.post('/', async (c) => {
    const { name } = await readBody(c, tagParamsDto)
    for (const tag of store.tags.values()) {
      if (tag.name === name) throw uncaught(`Tag with name '${name}' already exists`)
    }
    const tag = { id: generateId(), name }
    store.tags.set(tag.id, tag)
    return c.json(tag, 201)
  })
  router.get('/', (c) => {
    const { name } = readQuery(c, listQuery)
    return c.json([...store.tags.values()].filter((t) => name === undefined || t.name === name))
  })
  router.get('/:tagId', (c) => {
    const tag = store.tags.get(c.req.param('tagId'))
    if (!tag) throw itemNotFound(c.req.param('tagId'))
    return c.json(tag)
  })
  router.patch('/:tagId', async (c) => {
    const { name } = await readBody(c, tagParamsDto)
    const tag = store.tags.get(c.req.param('tagId'))
    if (!tag) throw itemNotFound(c.req.param('tagId'))
    tag.name = name
    return c.json(tag)
  })
  router.delete('/:tagId', (c) => {
    if (!store.tags.delete(c.req.param('tagId'))) throw itemNotFound(c.req.param('tagId'))
    return c.body(null, 204)
  })
  return router
}
