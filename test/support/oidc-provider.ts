import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose'
import Provider from 'oidc-provider'

/** The test provider's client for Cascade, and a second client that is not Cascade. */
export const CASCADE_CLIENT = { id: 'cascade', secret: 'cascade-client-secret-for-tests-0123456789' }

/**
 * A real OpenID Connect provider (`oidc-provider`) on 127.0.0.1 on a port of its own, with
 * Cascade registered as a client and its development login pages, which take any login: the
 * login is the account, and its email. Consent is taken as given (a first-party provider).
 */
export async function testProvider(callbackUrl: string) {
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end()
  const server = createServer((req, res) => handle(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' }
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CASCADE_CLIENT.id,
        client_secret: CASCADE_CLIENT.secret,
        redirect_uris: [callbackUrl],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: ['test-provider-cookie-key'] },
    // Claims asked for by scope go in the ID token, as Entra ID and Google put the email there.
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
    },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => {
        const local = sub.slice(0, sub.indexOf('@'))
        const [given = local, family = 'Tester'] = local.split('.')
        const word = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)
        return {
          sub,
          email: sub,
          email_verified: true,
          given_name: word(given),
          family_name: word(family),
          name: `${word(given)} ${word(family)}`,
        }
      },
    }),
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.session?.grantIdFor(ctx.oidc.client?.clientId ?? '')
      if (grantId) return ctx.oidc.provider.Grant.find(grantId)
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client?.clientId,
        accountId: ctx.oidc.session?.accountId,
      })
      grant.addOIDCScope('openid email profile')
      grant.addOIDCClaims(['email', 'email_verified', 'name', 'given_name', 'family_name'])
      await grant.save()
      return grant
    },
  })
  handle = provider.callback()

  return {
    issuer,
    provider,

    /**
     * Follows an authorization request through the provider's login as `login`, with a
     * cookie jar of the provider's own, to the redirect back to Cascade; returns that URL.
     */
    async signIn(authorizationUrl: string, login: string): Promise<URL> {
      const cookies = new Map<string, string>()
      const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ')
      const remember = (response: Response) => {
        for (const line of response.headers.getSetCookie()) {
          const [pair = ''] = line.split(';')
          const at = pair.indexOf('=')
          const name = pair.slice(0, at)
          const value = pair.slice(at + 1)
          if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) cookies.delete(name)
          else cookies.set(name, value)
        }
      }
      let url = new URL(authorizationUrl)
      let body: string | undefined
      for (let step = 0; step < 12; step++) {
        const response = await fetch(url, {
          method: body ? 'POST' : 'GET',
          redirect: 'manual',
          headers: {
            cookie: cookieHeader(),
            ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          },
          body,
        })
        remember(response)
        body = undefined
        const location = response.headers.get('location')
        if (location) {
          const next = new URL(location, url)
          if (next.href.startsWith(callbackUrl)) return next
          url = next
          continue
        }
        const html = await response.text()
        const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1]
        if (response.status !== 200 || !prompt)
          throw new Error(`The test provider answered ${response.status} at ${url.pathname}`)
        body = new URLSearchParams({ prompt, login, password: 'any' }).toString()
      }
      throw new Error('The test provider did not send the browser back')
    },

    /** A token response whose ID token is replaced by one signed with the provider's key, changed by `change`. */
    async reissued(response: Response, change: (claims: Record<string, unknown>) => Record<string, unknown>) {
      const tokens = (await response.json()) as Record<string, unknown>
      const claims = change(decodeJwt(String(tokens.id_token)))
      const forged = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
        .sign(privateKey)
      return new Response(JSON.stringify({ ...tokens, id_token: forged }), {
        status: 200,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      })
    },

    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    },
  }
}

export type TestProvider = Awaited<ReturnType<typeof testProvider>>
