/**
 * The standalone host as a child process, for component tests in jsdom (whose URL and typed
 * array globals are not Node's, so the host cannot run in the test's own realm): starts it from
 * the environment (fresh data folder, port 0) and prints one `READY {json}` line with its URL and
 * dev identity; SIGTERM closes it.
 */
import { startHost } from '@/host/server'

const host = await startHost()
process.stdout.write(
  `READY ${JSON.stringify({
    url: host.url,
    apiKey: host.identity.apiKey,
    workspaceId: host.identity.workspaceId,
  })}\n`
)
process.once('SIGTERM', () => {
  void host.close().finally(() => process.exit(0))
})
