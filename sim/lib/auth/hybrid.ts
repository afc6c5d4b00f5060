/**
 * Shim of Sim's `@/lib/auth/hybrid`: the `AuthResult` contract of its route-side checks. Inside
 * Sim the real module verifies the session cookie or the executor's internal JWT; this one only
 * carries the types (Sim's functions take a `NextRequest`, a subtype of `Request`).
 */
import { outsideSim } from '@/sim/outside-sim'

export const AuthType = {
  SESSION: 'session',
  API_KEY: 'api_key',
  INTERNAL_JWT: 'internal_jwt',
} as const

export type AuthTypeValue = (typeof AuthType)[keyof typeof AuthType]

export interface AuthResult {
  success: boolean
  userId?: string
  workspaceId?: string
  userName?: string | null
  userEmail?: string | null
  authType?: AuthTypeValue
  apiKeyType?: 'personal' | 'workspace'
  error?: string
}

/**
 * A browser session or the executor's internal JWT (API keys are refused). With
 * `requireWorkflowId: false` a JWT without a user still succeeds, with no `userId`.
 */
export async function checkSessionOrInternalAuth(
  _request: Request,
  _options: { requireWorkflowId?: boolean } = {}
): Promise<AuthResult> {
  throw outsideSim('@/lib/auth/hybrid', 'checkSessionOrInternalAuth')
}
