import type { FastifyReply } from 'fastify'

/** A Content-Disposition header that names the file safely for every browser. */
export function attachmentHeader(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`
}

/**
 * Sends an uploaded file as a download, never shown inline and never sniffed, so nothing
 * uploaded runs in a page. Private (not kept by any cache) unless the caller has already set
 * how it may be cached, as a public product's file does.
 */
export function sendDownload(
  reply: FastifyReply,
  file: { filename: string; contentType: string; content: Buffer },
) {
  if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'private, no-store')
  return reply
    .header('content-disposition', attachmentHeader(file.filename))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .type(file.contentType)
    .send(file.content)
}
