import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import type { FastifyInstance } from 'fastify'
import { govukFrontendDist, mojFrontendRoot } from '../views/nunjucks.ts'

const publicDir = fileURLToPath(new URL('../../../public/', import.meta.url))
const govuk = join(govukFrontendDist, 'govuk')

/** How long each answer may be kept: a fingerprinted address names one content for ever. */
export const CACHE = {
  fingerprinted: 'public, max-age=31536000, immutable',
  plain: 'public, max-age=86400',
  wrongFingerprint: 'no-cache',
} as const

const types: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
}
/** Text, which compresses well; fonts and pictures are compressed already. */
const compressible = new Set(['.css', '.js', '.json', '.svg'])

export type Encoding = 'br' | 'gzip'

interface Asset {
  type: string
  hash: string
  body: Buffer
  compressible: boolean
  /** Each encoding made on first asking, kept; null where it would not be smaller. */
  encoded: Partial<Record<Encoding, Buffer | null>>
}

/**
 * Every file served under /assets, by its name there: GOV.UK Frontend's and MOJ Frontend's
 * stylesheets and scripts, GOV.UK Frontend's fonts and images, and Cascade's own from public/.
 */
export function assetFiles(): Map<string, string> {
  const files = new Map<string, string>([
    ['govuk-frontend.min.css', join(govuk, 'govuk-frontend.min.css')],
    ['govuk-frontend.min.js', join(govuk, 'govuk-frontend.min.js')],
    ['moj-frontend.min.css', join(mojFrontendRoot, 'moj', 'moj-frontend.min.css')],
    ['cascade.css', join(publicDir, 'cascade.css')],
    ['cascade.js', join(publicDir, 'cascade.js')],
    ['timeout.js', join(publicDir, 'timeout.js')],
    ['manifest.json', join(govuk, 'assets', 'manifest.json')],
  ])
  for (const folder of ['fonts', 'images']) {
    const dir = join(govuk, 'assets', folder)
    for (const entry of readdirSync(dir, { withFileTypes: true }))
      if (entry.isFile() && types[extname(entry.name)])
        files.set(`${folder}/${entry.name}`, join(dir, entry.name))
  }
  return files
}

/** A short name for a file's content: any change to the content changes it. */
export function fingerprint(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 16)
}

/**
 * The assets as they are when the app starts: each file read once and fingerprinted, so the
 * address a page links and the content served under it always agree until the next start.
 */
export function loadAssets(files: Map<string, string> = assetFiles()) {
  const byName = new Map<string, Asset>()
  for (const [name, file] of files) {
    const body = readFileSync(file)
    const extension = extname(name)
    byName.set(name, {
      type: types[extension] ?? 'application/octet-stream',
      hash: fingerprint(body),
      body,
      compressible: compressible.has(extension),
      encoded: {},
    })
  }
  return {
    get: (name: string) => byName.get(name),
    /** '/assets/cascade.css' → '/assets/cascade.css?v=<fingerprint>'; an unknown asset is an error. */
    url(path: string): string {
      const asset = path.startsWith('/assets/') ? byName.get(path.slice('/assets/'.length)) : undefined
      if (!asset) throw new Error(`No asset ${path}`)
      return `${path}?v=${asset.hash}`
    },
  }
}

export type Assets = ReturnType<typeof loadAssets>

/**
 * The choice for each Accept-Encoding header seen: browsers send a handful of them, and every
 * page and asset asks. Bounded, however many distinct headers arrive.
 */
const chosen = new Map<string, Encoding | null>()
const MOST_CHOICES = 100

/** The best encoding the client accepts (Brotli, then gzip), or none. */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding | null {
  if (!acceptEncoding) return null
  const known = chosen.get(acceptEncoding)
  if (known !== undefined) return known
  const choice = encodingFor(acceptEncoding)
  if (chosen.size < MOST_CHOICES) chosen.set(acceptEncoding, choice)
  return choice
}

function encodingFor(acceptEncoding: string): Encoding | null {
  const quality = new Map<string, number>()
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase())
    const q = params.find((param) => param.startsWith('q='))
    if (name) quality.set(name, q ? Number(q.slice(2)) : 1)
  }
  const accepts = (name: string) => (quality.get(name) ?? quality.get('*') ?? 0) > 0
  if (accepts('br')) return 'br'
  if (accepts('gzip')) return 'gzip'
  return null
}

function encode(asset: Asset, encoding: Encoding): Buffer | null {
  if (asset.encoded[encoding] === undefined) {
    const made =
      encoding === 'br'
        ? brotliCompressSync(asset.body, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: 10,
              [constants.BROTLI_PARAM_SIZE_HINT]: asset.body.length,
            },
          })
        : gzipSync(asset.body, { level: 9 })
    asset.encoded[encoding] = made.length < asset.body.length ? made : null
  }
  return asset.encoded[encoding] ?? null
}

/**
 * Serves the stylesheets, scripts, fonts and images under /assets from memory. Under the
 * address a page links (`?v=` and the content's fingerprint) an asset may be kept for a year;
 * without a fingerprint for a day; under a fingerprint that is not the content's, only if
 * checked again first. Text goes compressed to a client that accepts Brotli or gzip.
 */
export async function assets(app: FastifyInstance, catalogue: Assets) {
  app.get<{ Params: { '*': string }; Querystring: { v?: unknown } }>(
    '/assets/*',
    { config: { access: 'public' }, logLevel: 'warn' },
    (request, reply) => {
      const asset = catalogue.get(request.params['*'])
      if (!asset) return reply.callNotFound()
      const given = request.query.v
      reply.header(
        'cache-control',
        given === undefined
          ? CACHE.plain
          : given === asset.hash
            ? CACHE.fingerprinted
            : CACHE.wrongFingerprint,
      )
      const etag = `W/"${asset.hash}"`
      reply.header('etag', etag).type(asset.type)
      if (asset.compressible) reply.header('vary', 'accept-encoding')
      const known = String(request.headers['if-none-match'] ?? '').split(',')
      if (known.some((tag) => tag.trim() === etag)) return reply.code(304).send()
      const encoding = asset.compressible ? chooseEncoding(request.headers['accept-encoding']) : null
      const encoded = encoding ? encode(asset, encoding) : null
      if (encoding && encoded) return reply.header('content-encoding', encoding).send(encoded)
      return reply.send(asset.body)
    },
  )
}
