/**
 * A host node as its own process, for the node-kill test: starts the standalone host from the
 * environment (DATABASE_URL, PARLANT_SERVER_URL, NODE_ID, PORT=0) and prints one `READY {json}`
 * line with its URL and identity. The test SIGKILLs it; nothing here shuts down gracefully.
 */
import { startHost } from '@/host/server'

const host = await startHost()
process.stdout.write(
  `READY ${JSON.stringify({
    url: host.url,
    nodeId: host.nodeId,
    apiKey: host.identity.apiKey,
    workspaceId: host.identity.workspaceId,
  })}\n`
)
