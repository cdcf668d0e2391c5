import * as client from 'openid-client'
import type { Clock } from '../clock.ts'

/**
 * OpenID Connect as a relying party, through `openid-client`: discovery, the authorization
 * code flow with PKCE, `state` and `nonce`, and the ID token's signature, issuer, audience and
 * expiry checked by the library. Nothing here reads or signs a JWT by hand.
 */

/** An identity provider as the flow needs it: where it is, and who Cascade is to it. */
export type ProviderClient = { issuer: string; clientId: string; clientSecret: string }

export type OidcOptions = {
  /** Plain http issuers are allowed outside production only (a provider run by the tests). */
  allowHttp: boolean
  clock: Clock
  /** Replaces `fetch` for every request to the provider; the tests use it to tamper with answers. */
  fetch?: client.CustomFetch
}

/** Why an issuer URL cannot be used, in words for the form; undefined when it can. */
export function issuerProblem(issuer: string, production: boolean): string | undefined {
  let url: URL
  try {
    url = new URL(issuer)
  } catch {
    return 'Enter the issuer URL, like https://login.microsoftonline.com/your-tenant-id/v2.0'
  }
  if (url.protocol === 'https:') return undefined
  if (url.protocol === 'http:' && !production) return undefined
  return 'The issuer URL must start with https://'
}

/** The provider's discovery document could not be read, or does not describe a usable provider. */
export class DiscoveryError extends Error {
  override name = 'DiscoveryError'
}

/**
 * Reads the provider's discovery document and makes the client configuration. The library
 * checks the ID token's expiry against Cascade's clock (the skew from the system clock is
 * passed in), so every rule agrees on what now is.
 */
export async function discover(
  provider: ProviderClient,
  options: OidcOptions,
): Promise<client.Configuration> {
  const skew = Math.round((options.clock.now().getTime() - Date.now()) / 1000)
  const execute = options.allowHttp ? [client.allowInsecureRequests] : []
  try {
    return await client.discovery(
      new URL(provider.issuer),
      provider.clientId,
      { client_secret: provider.clientSecret, [client.clockSkew]: skew },
      client.ClientSecretBasic(provider.clientSecret),
      {
        execute,
        timeout: 10,
        ...(options.fetch ? { [client.customFetch]: options.fetch } : {}),
      },
    )
  } catch (error) {
    throw new DiscoveryError(discoveryReason(error))
  }
}

/** The reason a discovery failed, for an admin to act on; never secret, never personal. */
function discoveryReason(error: unknown): string {
  if (error instanceof client.ClientError && error.code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED')
    return 'the document names a different issuer'
  if (error instanceof client.ResponseBodyError) return `the provider answered ${error.status}`
  if (error instanceof client.ClientError && error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM')
    return 'the provider did not answer with a discovery document'
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return 'the provider did not answer in time'
  if (error instanceof TypeError) return 'the provider could not be reached'
  return 'the provider’s answer was not a usable discovery document'
}

/** What one sign-in carries to the provider and must find again when the person comes back. */
export type SignOnStart = { url: URL; state: string; nonce: string; codeVerifier: string }

/** The authorization request: fresh PKCE verifier, state and nonce for every redirect. */
export async function startSignOn(
  config: client.Configuration,
  redirectUri: string,
  loginHint?: string,
): Promise<SignOnStart> {
  const codeVerifier = client.randomPKCECodeVerifier()
  const state = client.randomState()
  const nonce = client.randomNonce()
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(loginHint ? { login_hint: loginHint } : {}),
  })
  return { url, state, nonce, codeVerifier }
}

/** The person as the provider vouches for them in the ID token. */
export type SignedOnPerson = {
  subject: string
  email: string | undefined
  emailVerified: boolean
  givenName: string | undefined
  familyName: string | undefined
  name: string | undefined
}

/** Why the provider's answer was refused: the words the person reads depend on it. */
export type SignOnRefusal = 'expired' | 'wrong-client' | 'provider-refused' | 'invalid'

export class SignOnRefused extends Error {
  override name = 'SignOnRefused'
  readonly refusal: SignOnRefusal
  constructor(refusal: SignOnRefusal, detail: string) {
    super(detail)
    this.refusal = refusal
  }
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined)

/**
 * The callback: exchanges the code (with the PKCE verifier) and has the library check the
 * state, the ID token's signature, issuer, audience, expiry and nonce. Throws SignOnRefused.
 */
export async function finishSignOn(
  config: client.Configuration,
  callbackUrl: URL,
  expected: { state: string; nonce: string; codeVerifier: string },
): Promise<SignedOnPerson> {
  let claims: client.IDToken | undefined
  try {
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: expected.codeVerifier,
      expectedState: expected.state,
      expectedNonce: expected.nonce,
      idTokenExpected: true,
    })
    claims = tokens.claims()
  } catch (error) {
    throw refusalOf(error)
  }
  if (!claims) throw new SignOnRefused('invalid', 'no ID token')
  return {
    subject: claims.sub,
    email: text(claims.email),
    emailVerified: claims.email_verified === true,
    givenName: text(claims.given_name),
    familyName: text(claims.family_name),
    name: text(claims.name),
  }
}

function refusalOf(error: unknown): SignOnRefused {
  if (error instanceof client.AuthorizationResponseError)
    return new SignOnRefused('provider-refused', `authorization response: ${error.error}`)
  if (error instanceof client.ResponseBodyError)
    return new SignOnRefused('provider-refused', `token endpoint: ${error.error}`)
  const code = error instanceof client.ClientError ? error.code : undefined
  // The library names the check that failed on the error it wraps.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : ''
  const message = `${error instanceof Error ? error.message : 'unknown'}${cause ? `: ${cause}` : ''}`
  if (code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED') return new SignOnRefused('expired', message)
  if (code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && /"aud"|audience|azp/.test(message))
    return new SignOnRefused('wrong-client', message)
  return new SignOnRefused('invalid', `${code ?? 'error'}: ${message}`)
}
