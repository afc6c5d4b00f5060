/**
 * `/agents`, from Parlant's `api/agents.py` and `core/app_modules/agents.py`. Worth knowing:
 * a created agent's empty description is stored as null and its iterations default to 3; PATCH
 * ignores a `description` (or name, iterations, modes) that is null or empty — only a non-empty
 * value replaces the old one, so a description cannot be cleared in place; tag ids must exist
 * (404) and are de-duplicated; removing a tag the agent lacks is a 404; a duplicate id is a bare
 * 500 (`ValueError` in the store).
 */
import { Hono } from 'hono'
import { z } from 'zod'
import type { ApiContext } from '@/emulator/api/context'
import { type Env, itemNotFound, pyInt, readBody, uncaught, unique } from '@/emulator/api/http'
import { ensureTag } from '@/emulator/api/tags'
import { generateId } from '@/emulator/store'
import { type Agent, compositionModes, messageOutputModes } from '@/emulator/types'

const nameField = z.string().min(1).max(100)
const iterationsField = pyInt().pipe(z.number().min(1))

const creationDto = z.object({
  name: nameField,
  id: z.string().min(1).nullish(),
  description: z.string().nullish(),
  max_engine_iterations: iterationsField.nullish(),
  composition_mode: z.enum(compositionModes).nullish(),
  message_output_mode: z.enum(messageOutputModes).nullish(),
  tags: z.array(z.string()).nullish(),
})

const updateDto = z.object({
  name: nameField.nullish(),
  description: z.string().nullish(),
  max_engine_iterations: iterationsField.nullish(),
  composition_mode: z.enum(compositionModes).nullish(),
  message_output_mode: z.enum(messageOutputModes).nullish(),
  tags: z
    .object({ add: z.array(z.string()).nullish(), remove: z.array(z.string()).nullish() })
    .nullish(),
})

export function agentsRouter({ store }: ApiContext) {
  const router = new Hono<Env>()
  const read = (id: string): Agent => {
    const agent = store.agents.get(id)
    if (!agent) throw itemNotFound(id)
    return agent
  }

  router.post('/', async (c) => {
    const p = await readBody(c, creationDto)
    for (const tag of p.tags ?? []) ensureTag(store, tag, 'agents')
    const id = p.id ?? generateId()
    if (store.agents.has(id)) throw uncaught(`Agent with id '${id}' already exists`)
    const agent: Agent = {
      id,
      name: p.name,
      description: p.description || null,
      max_engine_iterations: p.max_engine_iterations || 3,
      composition_mode: p.composition_mode ?? 'fluid',
      message_output_mode: p.message_output_mode ?? 'block',
      tags: unique(p.tags ?? []),
    }
    store.agents.set(id, agent)
    return c.json(agent, 201)
  })
  router.get('/', (c) => c.json([...store.agents.values()]))
  router.get('/:agentId', (c) => c.json(read(c.req.param('agentId'))))
  router.patch('/:agentId', async (c) => {
    const p = await readBody(c, updateDto)
    const agent = read(c.req.param('agentId'))
    // Truthiness, as Parlant's module checks it: null and "" leave the field as it was.
    if (p.name) agent.name = p.name
    if (p.description) agent.description = p.description
    if (p.max_engine_iterations) agent.max_engine_iterations = p.max_engine_iterations
    if (p.composition_mode) agent.composition_mode = p.composition_mode
    if (p.message_output_mode) agent.message_output_mode = p.message_output_mode
    for (const tag of p.tags?.add ?? []) {
      ensureTag(store, tag, 'agents')
      if (!agent.tags.includes(tag)) agent.tags.push(tag)
    }
    for (const tag of p.tags?.remove ?? []) {
      if (!agent.tags.includes(tag)) throw itemNotFound(tag)
      agent.tags = agent.tags.filter((t) => t !== tag)
    }
    return c.json(agent)
  })
  router.delete('/:agentId', (c) => {
    read(c.req.param('agentId'))
    store.agents.delete(c.req.param('agentId'))
    return c.body(null, 204)
  })
  return router
}
