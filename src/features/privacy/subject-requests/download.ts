import type { FastifyReply } from 'fastify'
import { sendDownload } from '#platform/http/downloads.ts'

/** Sends a subject access export, the same zip from the page and from the API. */
export function sendExport(reply: FastifyReply, file: { filename: string; content: Buffer }) {
  return sendDownload(reply, {
    filename: file.filename,
    contentType: 'application/zip',
    content: file.content,
  })
}
