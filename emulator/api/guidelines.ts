/**
 * `/guidelines`, from Parlant's `api/guidelines.py`, `core/app_modules/guidelines.py` and
 * `core/guidelines.py`. Worth knowing: a created guideline is always enabled (`enabled or True`);
 * empty action, title and description are stored as null; PATCH keeps the condition and action
 * when given null or "", keeps description and title only when given null ("" is stored); a
 * duplicate id is a 422 "already exists"; reading an unknown id is a 404 "Guideline not found";
 * tag ids must exist (`agent:<id>` resolves to the agent). The emulator has no tool services, so
 * adding a tool association is a 404 and removing one fails as Parlant's code does (500).
 */
import { Hono } from 'hono'
import { z } from 'zod'
import type { ApiContext } from '@/emulator/api/context'
import {
  ApiError,
  type Env,
  itemNotFound,
  jsonMapping,
  pyBool,
  pyInt,
  readBody,
  readQuery,
  uncaught,
  unique,
  unprocessable,
} from '@/emulator/api/http'
import { ensureTag } from '@/emulator/api/tags'
import { generateId } from '@/emulator/store'
import { compositionModes, criticalities, type Guideline } from '@/emulator/types'

const toolIdDto = z.object({ service_name: z.string(), tool_name: z.string() })

const creationDto = z.object({
  id: z.string().nullish(),
  condition: z.string(),
  action: z.string().nullish(),
  description: z.string().nullish(),
  title: z.string().nullish(),
  criticality: z.enum(criticalities).nullish(),
  metadata: jsonMapping().nullish(),
  enabled: pyBool().nullish(),
  tags: z.array(z.string()).nullish(),
  composition_mode: z.enum(compositionModes).nullish(),
  track: pyBool().default(true),
  labels: z.array(z.string()).nullish(),
  priority: pyInt().default(0),
})

const updateDto = z.object({
  condition: z.string().nullish(),
  action: z.string().nullish(),
  description: z.string().nullish(),
  title: z.string().nullish(),
  criticality: z.enum(criticalities).nullish(),
  tool_associations: z
    .object({ add: z.array(toolIdDto).nullish(), remove: z.array(toolIdDto).nullish() })
    .nullish(),
  enabled: pyBool().nullish(),
  tags: z
    .object({ add: z.array(z.string()).nullish(), remove: z.array(z.string()).nullish() })
    .nullish(),
  metadata: z
    .object({ set: jsonMapping().nullish(), unset: z.array(z.string()).nullish() })
    .nullish(),
  composition_mode: z.enum(compositionModes).nullish(),
  labels: z
    .object({ upsert: z.array(z.string()).nullish(), remove: z.array(z.string()).nullish() })
    .nullish(),
  priority: pyInt().nullish(),
})

/** `GuidelineWithRelationshipsAndToolAssociationsDTO` (the emulator keeps neither). */
const listQuery = z.object({ tag_id: z.string().optional() })

const withRelations = (guideline: Guideline) => ({
  guideline,
  relationships: [],
  tool_associations: [],
})

export function guidelinesRouter({ store }: ApiContext) {
  const router = new Hono<Env>()
  const read = (id: string): Guideline => {
    const guideline = store.guidelines.get(id)
    if (!guideline) throw itemNotFound(id)
    return guideline
  }

  router.post('/', async (c) => {
    const p = await readBody(c, creationDto)
    for (const tag of p.tags ?? []) ensureTag(store, tag, 'guidelines')
    const id = p.id ?? generateId()
    if (store.guidelines.has(id)) throw unprocessable(`Guideline with id '${id}' already exists`)
    const guideline: Guideline = {
      id,
      condition: p.condition,
      action: p.action || null,
      description: p.description || null,
      title: p.title || null,
      criticality: p.criticality ?? 'medium',
      // `enabled=params.enabled or True`: Parlant creates every guideline enabled.
      enabled: true,
      tags: unique(p.tags ?? []),
      metadata: p.metadata ?? {},
      composition_mode: p.composition_mode ?? null,
      track: p.track,
      labels: unique(p.labels ?? []),
      priority: p.priority,
    }
    store.guidelines.set(id, guideline)
    return c.json(guideline, 201)
  })
  router.get('/', (c) => {
    const { tag_id } = readQuery(c, listQuery)
    const all = [...store.guidelines.values()]
    return c.json(tag_id ? all.filter((g) => g.tags.includes(tag_id)) : all)
  })
  router.get('/:guidelineId', (c) => {
    const guideline = store.guidelines.get(c.req.param('guidelineId'))
    if (!guideline) throw new ApiError(404, 'Guideline not found')
    return c.json(withRelations(guideline))
  })
  router.patch('/:guidelineId', async (c) => {
    const p = await readBody(c, updateDto)
    const g = read(c.req.param('guidelineId'))
    if (p.condition) g.condition = p.condition
    if (p.action) g.action = p.action
    if (p.description != null) g.description = p.description
    if (p.title != null) g.title = p.title
    if (p.criticality) g.criticality = p.criticality
    if (p.enabled != null) g.enabled = p.enabled
    if (p.composition_mode) g.composition_mode = p.composition_mode
    if (p.priority != null) g.priority = p.priority
    if (p.metadata?.set) g.metadata = { ...g.metadata, ...p.metadata.set }
    for (const key of p.metadata?.unset ?? []) delete g.metadata[key]
    const add = p.tool_associations?.add ?? []
    if (add[0]) {
      const { service_name, tool_name } = add[0]
      throw itemNotFound(
        tool_name,
        `Tool not found (service='${service_name}', tool='${tool_name}')`
      )
    }
    if ((p.tool_associations?.remove ?? []).length > 0) {
      // Parlant names an unbound variable here when nothing was added: a NameError, so a 500.
      throw uncaught('Tool association not found')
    }
    for (const tag of p.tags?.add ?? []) {
      ensureTag(store, tag, 'guidelines')
      if (!g.tags.includes(tag)) g.tags.push(tag)
    }
    for (const tag of p.tags?.remove ?? []) {
      if (!g.tags.includes(tag)) throw itemNotFound(tag)
      g.tags = g.tags.filter((t) => t !== tag)
    }
    if (p.labels?.upsert) g.labels = unique([...g.labels, ...p.labels.upsert])
    if (p.labels?.remove) {
      const remove = new Set(p.labels.remove)
      g.labels = g.labels.filter((l) => !remove.has(l))
    }
    return c.json(withRelations(g))
  })
  router.delete('/:guidelineId', (c) => {
    read(c.req.param('guidelineId'))
    store.guidelines.delete(c.req.param('guidelineId'))
    return c.body(null, 204)
  })
  return router
}
