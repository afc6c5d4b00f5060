/**
 * `/customers`, from Parlant's `api/customers.py`, `core/app_modules/customers.py` and
 * `core/customers.py`. The built-in `guest` customer is not stored but always readable and listed
 * first; with `limit` and no cursor the first page holds the guest plus `limit - 1` stored
 * customers and `total_count` counts the guest; deleting it is a bare 500. Tag ids must exist
 * (`agent:<id>` resolves to the agent) and are de-duplicated.
 */
import { Hono } from 'hono'
import { z } from 'zod'
import type { ApiContext } from '@/emulator/api/context'
import {
  decodeCursor,
  type Env,
  itemNotFound,
  paginate,
  pyInt,
  readBody,
  readQuery,
  uncaught,
  unique,
} from '@/emulator/api/http'
import { ensureTag } from '@/emulator/api/tags'
import { type EmulatorStore, generateId, utcNow } from '@/emulator/store'
import { type Customer, GUEST_ID, sortDirections } from '@/emulator/types'

const nameField = z.string().min(1).max(100)
const metadataField = z.record(z.string(), z.string())

const creationDto = z.object({
  name: nameField,
  id: z.string().min(1).nullish(),
  metadata: metadataField.nullish(),
  tags: z.array(z.string()).nullish(),
})

const updateDto = z.object({
  name: nameField.nullish(),
  metadata: z
    .object({ set: metadataField.nullish(), unset: z.array(z.string()).nullish() })
    .nullish(),
  tags: z
    .object({ add: z.array(z.string()).nullish(), remove: z.array(z.string()).nullish() })
    .nullish(),
})

const listQuery = z.object({
  limit: pyInt().pipe(z.number().min(1).max(100)).optional(),
  cursor: z.string().optional(),
  sort: z.enum(sortDirections).optional(),
})

/** The guest as Parlant's store makes it up on every read. */
const guest = (): Customer => ({
  id: GUEST_ID,
  creation_utc: utcNow(),
  name: 'Guest',
  metadata: {},
  tags: [],
})

/** Reads a customer the way Parlant's store does (the guest included); 404 otherwise. */
export function readCustomer(store: EmulatorStore, id: string): Customer {
  if (id === GUEST_ID) return guest()
  const customer = store.customers.get(id)
  if (!customer) throw itemNotFound(id)
  return customer
}

export function customersRouter({ store }: ApiContext) {
  const router = new Hono<Env>()

  router.post('/', async (c) => {
    const p = await readBody(c, creationDto)
    for (const tag of p.tags ?? []) ensureTag(store, tag, 'customers')
    const id = p.id ?? generateId()
    if (store.customers.has(id)) throw uncaught(`Customer with id '${id}' already exists`)
    const customer: Customer = {
      id,
      creation_utc: utcNow(),
      name: p.name,
      metadata: p.metadata ?? {},
      tags: unique(p.tags ?? []),
    }
    store.customers.set(id, customer)
    return c.json(customer, 201)
  })
  router.get('/', (c) => {
    const q = readQuery(c, listQuery)
    const cursor = decodeCursor(q.cursor)
    const page = paginate([...store.customers.values()], {
      // The guest takes one place of a first page.
      limit: q.limit !== undefined && !cursor ? q.limit - 1 : undefined,
      cursor,
      sort: q.sort,
    })
    const items = cursor ? page.items : [guest(), ...page.items]
    if (q.limit === undefined) return c.json(items)
    return c.json({
      items,
      total_count: page.total_count + 1,
      has_more: page.has_more,
      next_cursor: page.next_cursor,
    })
  })
  router.get('/:customerId', (c) => c.json(readCustomer(store, c.req.param('customerId'))))
  router.patch('/:customerId', async (c) => {
    const p = await readBody(c, updateDto)
    const id = c.req.param('customerId')
    const stored = () => {
      const customer = store.customers.get(id)
      if (!customer) throw itemNotFound(id)
      return customer
    }
    if (p.name) stored().name = p.name
    if (p.metadata?.set && Object.keys(p.metadata.set).length > 0) {
      const customer = stored()
      customer.metadata = { ...customer.metadata, ...p.metadata.set }
    }
    if (p.metadata?.unset && p.metadata.unset.length > 0) {
      const customer = stored()
      const unset = new Set(p.metadata.unset)
      customer.metadata = Object.fromEntries(
        Object.entries(customer.metadata).filter(([key]) => !unset.has(key))
      )
    }
    for (const tag of p.tags?.add ?? []) {
      ensureTag(store, tag, 'customers')
      const customer = readCustomer(store, id)
      if (!customer.tags.includes(tag)) stored().tags.push(tag)
    }
    for (const tag of p.tags?.remove ?? []) {
      const customer = store.customers.get(id)
      if (!customer?.tags.includes(tag)) throw itemNotFound(tag)
      customer.tags = customer.tags.filter((t) => t !== tag)
    }
    return c.json(readCustomer(store, id))
  })
  router.delete('/:customerId', (c) => {
    const id = c.req.param('customerId')
    if (id === GUEST_ID) throw uncaught('Removing the guest customer is not allowed')
    if (!store.customers.delete(id)) throw itemNotFound(id)
    return c.body(null, 204)
  })
  return router
}
