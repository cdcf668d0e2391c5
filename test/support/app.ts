import * as cheerio from 'cheerio'
import type { LightMyRequestResponse } from 'fastify'
import { steppingClock } from '#platform/clock.ts'
import { buildApp } from '#src/app.ts'
import { loadConfig } from '#src/config.ts'
import { DEMO_PASSWORD } from '#src/demo/partnerships.ts'
import { createServices, type ServiceDeps } from '#src/services.ts'
import { seededDatabase } from './database.ts'
import { TEST_NOW } from './now.ts'

export { TEST_NOW }

/** An app on a fresh database with the demo partnerships, and a fixed clock the test can move. */
export async function testApp(
  options: { env?: Record<string, string>; oidcFetch?: ServiceDeps['oidcFetch'] } = {},
) {
  const clock = steppingClock(TEST_NOW)
  const database = await seededDatabase(clock)
  const config = loadConfig({ NODE_ENV: 'test', SIGN_IN_ATTEMPTS_PER_MINUTE: '10000', ...options.env })
  const mail = { queued: 0 }
  const jobs = { registersCompleted: 0 }
  const services = createServices({
    config,
    db: database.db,
    clock,
    mailQueued: () => mail.queued++,
    registerCompleted: () => jobs.registersCompleted++,
    oidcFetch: options.oidcFetch,
  })
  const app = await buildApp(services)
  await app.ready()
  return {
    app,
    services,
    db: database.db,
    clock,
    mail,
    /** How often the services asked for a job to run now, by what asked. */
    jobs,
    kind: database.kind,
    /** A browser-like client: keeps cookies, reads the CSRF token from each page it gets; from an IP address when given one. */
    browser: (options: { address?: string } = {}) => new Browser(app, options.address),
    async signIn(email: string, password = DEMO_PASSWORD) {
      const browser = new Browser(app)
      const response = await browser.submit('/sign-in', { email, password })
      if (response.statusCode !== 303)
        throw new Error(`Sign-in as ${email} failed with ${response.statusCode}`)
      return browser
    },
    async partnership(slug: string) {
      const found = await services.partnerships.bySlug(slug)
      if (!found) throw new Error(`No partnership ${slug}`)
      return found
    },
    close: async () => {
      await app.close()
      await database.close()
    },
  }
}

export type TestApp = Awaited<ReturnType<typeof testApp>>

type App = Awaited<ReturnType<typeof buildApp>>

export class Browser {
  private cookies = new Map<string, string>()
  private csrf = ''
  private readonly app: App
  private readonly address: string | undefined
  constructor(app: App, address?: string) {
    this.app = app
    this.address = address
  }

  private remember(response: LightMyRequestResponse) {
    for (const cookie of response.cookies) {
      if (cookie.value === '' || (cookie.maxAge !== undefined && cookie.maxAge <= 0))
        this.cookies.delete(cookie.name)
      else this.cookies.set(cookie.name, cookie.value)
    }
    const type = String(response.headers['content-type'] ?? '')
    if (type.includes('text/html')) {
      const token = cheerio.load(response.body)('input[name="_csrf"]').first().val()
      if (typeof token === 'string') this.csrf = token
    }
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  async get(url: string) {
    const response = await this.app.inject({
      method: 'GET',
      url,
      headers: { cookie: this.cookieHeader },
      remoteAddress: this.address,
    })
    this.remember(response)
    return response
  }

  /** Gets the form's page first (for its CSRF token), then posts the fields. */
  async submit(url: string, fields: Record<string, string>, options: { from?: string; csrf?: string } = {}) {
    await this.get(options.from ?? url)
    return this.post(url, fields, options)
  }

  async post(url: string, fields: Record<string, string>, options: { csrf?: string } = {}) {
    const response = await this.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: options.csrf ?? this.csrf, ...fields }).toString(),
      remoteAddress: this.address,
    })
    this.remember(response)
    return response
  }

  /** Posts a multipart form with one file, as a browser sends a file upload. */
  async upload(
    url: string,
    file: { field: string; filename: string; content: Buffer | string; type?: string },
    fields: Record<string, string> = {},
    options: { csrf?: string } = {},
  ) {
    const boundary = `----cascade${Date.now()}`
    const parts: Buffer[] = []
    for (const [name, value] of Object.entries({ _csrf: options.csrf ?? this.csrf, ...fields })) {
      parts.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
      )
    }
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\nContent-Type: ${file.type ?? 'text/csv'}\r\n\r\n`,
      ),
      Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    )
    const response = await this.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.cookieHeader, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: Buffer.concat(parts),
      remoteAddress: this.address,
    })
    this.remember(response)
    return response
  }
}

export function page(html: string) {
  return cheerio.load(html)
}
