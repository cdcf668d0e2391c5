import multipart from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** The largest file a form takes: 100,000 staff with managers' details are about 12 MB. */
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024

export type Upload = { filename: string; bytes: Buffer; tooLarge: boolean }

/**
 * File uploads from ordinary forms. The other fields land in the body as text, as a
 * urlencoded form's do, so the CSRF check and form parsing treat both alike; each file is
 * kept whole in memory (the largest allowed is a few megabytes) with its name, and one over
 * the limit is marked rather than refused here, so the page can say what was wrong.
 */
export const uploads = fp(async (app: FastifyInstance) => {
  app.decorateRequest('uploads', null)
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    throwFileSizeLimit: false,
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 20, fieldSize: 100_000 },
    async onFile(part) {
      const bytes = await part.toBuffer()
      this.uploads ??= {}
      this.uploads[part.fieldname] = {
        filename: part.filename,
        bytes,
        tooLarge: part.file.truncated,
      }
    },
  })
})
