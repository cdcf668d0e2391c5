import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import * as cheerio from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'
import { CACHE, chooseEncoding, fingerprint, loadAssets } from './assets.ts'

let t: TestApp
let admin: Browser

beforeAll(async () => {
  t = await testApp()
  admin = await t.signIn('admin@norfolk.example.org')
})
afterAll(() => t?.close())

async function linkedAssets() {
  const page = await admin.get('/dashboard')
  expect(page.statusCode).toBe(200)
  const $ = cheerio.load(page.body)
  const links = [
    ...$('link[href]')
      .map((_, link) => $(link).attr('href'))
      .get(),
    ...$('script[src]')
      .map((_, script) => $(script).attr('src'))
      .get(),
  ]
  return {
    links,
    stylesheets: $('link[rel=stylesheet]')
      .map((_, link) => $(link).attr('href'))
      .get(),
  }
}

describe('the stylesheets, scripts and images a page links', () => {
  it('are each linked under the fingerprint of their content', async () => {
    const { links, stylesheets } = await linkedAssets()
    expect(stylesheets).toHaveLength(3)
    const assetLinks = links.filter((href) => href.startsWith('/assets/'))
    expect(assetLinks.length).toBeGreaterThanOrEqual(9)
    for (const href of assetLinks) expect(href, href).toMatch(/^\/assets\/[a-z0-9./-]+\?v=[0-9a-f]{16}$/)
    const css = stylesheets.find((href) => href.startsWith('/assets/govuk-frontend.min.css?v='))
    const plain = await t.app.inject({ method: 'GET', url: '/assets/govuk-frontend.min.css' })
    expect(css).toBe(`/assets/govuk-frontend.min.css?v=${fingerprint(plain.rawPayload)}`)
  })

  it('may be kept for a year under that address, and go compressed to a client that accepts it', async () => {
    const { stylesheets } = await linkedAssets()
    for (const href of stylesheets) {
      const plain = await t.app.inject({ method: 'GET', url: href })
      expect(plain.statusCode, href).toBe(200)
      expect(plain.headers['content-encoding'], href).toBeUndefined()
      expect(plain.headers['content-type'], href).toMatch(/^text\/css/)
      expect(plain.headers['cache-control'], href).toBe(CACHE.fingerprinted)

      const gzipped = await t.app.inject({ method: 'GET', url: href, headers: { 'accept-encoding': 'gzip' } })
      expect(gzipped.statusCode, href).toBe(200)
      expect(gzipped.headers['content-encoding'], href).toBe('gzip')
      expect(gzipped.headers.vary, href).toMatch(/accept-encoding/i)
      expect(gzipped.headers['cache-control'], href).toBe('public, max-age=31536000, immutable')
      // The two GOV.UK and MOJ stylesheets (over 90 KB each) go in under a quarter of their size.
      const share = plain.rawPayload.length > 50_000 ? 0.25 : 1
      expect(gzipped.rawPayload.length, href).toBeLessThan(plain.rawPayload.length * share)
      expect(gunzipSync(gzipped.rawPayload).equals(plain.rawPayload), href).toBe(true)

      const brotli = await t.app.inject({
        method: 'GET',
        url: href,
        headers: { 'accept-encoding': 'gzip, deflate, br' },
      })
      expect(brotli.headers['content-encoding'], href).toBe('br')
      expect(brotli.rawPayload.length, href).toBeLessThan(gzipped.rawPayload.length)
    }
  })

  it('are kept briefly without the fingerprint, and not at all unchecked under a wrong one', async () => {
    const signedIn = { cookie: admin.cookieHeader }
    const plain = await t.app.inject({ method: 'GET', url: '/assets/cascade.css', headers: signedIn })
    expect(plain.statusCode).toBe(200)
    expect(plain.headers['cache-control']).toBe('public, max-age=86400')
    for (const url of [
      '/assets/cascade.css?v=0000000000000000',
      '/assets/cascade.css?v=',
      '/assets/cascade.css?v=a&v=b',
    ]) {
      const wrong = await t.app.inject({ method: 'GET', url, headers: signedIn })
      expect(wrong.statusCode, url).toBe(200)
      expect(wrong.headers['cache-control'], url).toBe('no-cache')
      expect(wrong.headers['cache-control'], url).not.toMatch(/immutable/)
    }
  })

  it('answers a revalidation of unchanged content with nothing new', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/assets/cascade.js' })
    const etag = String(first.headers.etag)
    expect(etag).toBeTruthy()
    const again = await t.app.inject({
      method: 'GET',
      url: '/assets/cascade.js',
      headers: { 'if-none-match': etag },
    })
    expect(again.statusCode).toBe(304)
    expect(again.body).toBe('')
  })

  it('leaves fonts and pictures uncompressed, and serves nothing else', async () => {
    const font = await t.app.inject({
      method: 'GET',
      url: '/assets/images/govuk-icon-180.png',
      headers: { 'accept-encoding': 'gzip, br' },
    })
    expect(font.statusCode).toBe(200)
    expect(font.headers['content-type']).toBe('image/png')
    expect(font.headers['content-encoding']).toBeUndefined()
    for (const url of [
      '/assets/../package.json',
      '/assets/fonts/nothing.woff2',
      '/assets/__proto__',
      '/assets/fonts',
    ]) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode, url).toBe(404)
    }
  })
})

describe('a page', () => {
  it('goes compressed to a client that accepts it, and is still kept by no one', async () => {
    const plain = await admin.get('/dashboard')
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.headers.vary).toMatch(/accept-encoding/i)
    for (const [accepts, encoding] of [
      ['gzip', 'gzip'],
      ['gzip, deflate, br', 'br'],
    ] as const) {
      const page = await t.app.inject({
        method: 'GET',
        url: '/dashboard',
        headers: { cookie: admin.cookieHeader, 'accept-encoding': accepts },
      })
      expect(page.statusCode).toBe(200)
      expect(page.headers['content-encoding']).toBe(encoding)
      expect(page.headers['cache-control']).toBe('no-store')
      expect(page.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2)
      const body = encoding === 'br' ? brotliDecompressSync(page.rawPayload) : gunzipSync(page.rawPayload)
      expect(body.toString()).toMatch(/^<!DOCTYPE html>[\s\S]*<\/html>\s*$/i)
    }
  })
})

describe('a fingerprint', () => {
  it('changes when the content changes, and so does the address', () => {
    expect(fingerprint('body { color: red }')).toBe(fingerprint(Buffer.from('body { color: red }')))
    expect(fingerprint('body { color: red }')).not.toBe(fingerprint('body { color: blue }'))

    const dir = mkdtempSync(join(tmpdir(), 'assets-'))
    try {
      const file = join(dir, 'site.css')
      writeFileSync(file, 'body { color: red }')
      const before = loadAssets(new Map([['site.css', file]])).url('/assets/site.css')
      writeFileSync(file, 'body { color: blue }')
      const after = loadAssets(new Map([['site.css', file]])).url('/assets/site.css')
      expect(before).toMatch(/^\/assets\/site\.css\?v=[0-9a-f]{16}$/)
      expect(after).not.toBe(before)
      expect(() => loadAssets(new Map([['site.css', file]])).url('/assets/other.css')).toThrow(/No asset/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the encoding chosen', () => {
  it('is Brotli, then gzip, as the client accepts, the same each time it is asked', () => {
    // Twice over: the second answer to each header is the one remembered from the first.
    for (let time = 0; time < 2; time++) {
      expect(chooseEncoding('gzip, deflate, br')).toBe('br')
      expect(chooseEncoding('gzip')).toBe('gzip')
      expect(chooseEncoding('br;q=0, gzip;q=0.5')).toBe('gzip')
      expect(chooseEncoding('*')).toBe('br')
      expect(chooseEncoding('identity')).toBeNull()
      expect(chooseEncoding('gzip;q=0')).toBeNull()
      expect(chooseEncoding(undefined)).toBeNull()
      expect(chooseEncoding('')).toBeNull()
    }
  })

  it('is worked out afresh for any header, however many distinct ones have come', () => {
    for (let n = 0; n < 300; n++) expect(chooseEncoding(`gzip;q=0.${(n % 9) + 1}, x-${n}`)).toBe('gzip')
    expect(chooseEncoding('br;q=0.5, x-late')).toBe('br')
    expect(chooseEncoding('deflate, x-later')).toBeNull()
  })
})
