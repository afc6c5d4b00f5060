/** What `npm start` prints once the host listens. */
import { displayUrl } from '@/host/health'
import type { RunningHost } from '@/host/server'

/**
 * The startup banner. The Parlant URL is shown as `/health` shows it — without user info or
 * query — since a URL may carry credentials (`http://u:pass@host/?api_key=…`) and logs are shared.
 */
export function startupBanner(host: RunningHost, envFile: string | null): string {
  const { identity, bridgeConfig } = host
  const parlant = bridgeConfig.parlantServerUrl
    ? displayUrl(bridgeConfig.parlantServerUrl)
    : 'in-process emulator'
  return [
    '',
    `Sim ⇄ Parlant bridge is running at ${host.url}`,
    `  database: ${host.database.engine}   parlant: ${parlant}`,
    `  dev user: ${identity.userId}   dev workspace: ${identity.workspaceId}`,
    ...(envFile ? [`  settings read from ${envFile} (the environment wins over it)`] : []),
    identity.created
      ? `  dev API key (also in ${host.config.dataDir}/dev-api-key): ${identity.apiKey}`
      : `  dev API key: see ${host.config.dataDir}/dev-api-key`,
    '',
  ].join('\n')
}
