/**
 * pdfkit, loaded the first time a PDF is made rather than at start-up: most requests never
 * make one, and a process is ready sooner without it.
 */
let loaded: Promise<typeof import('pdfkit')> | undefined

export async function pdfKit(): Promise<typeof import('pdfkit')> {
  loaded ??= import('pdfkit').then((m) => m.default)
  return loaded
}

/**
 * The whole of a document's bytes once it ends: listened for before anything is drawn, so no
 * chunk is missed. The caller draws, then calls doc.end() and awaits this.
 */
export function bytesOf(doc: NodeJS.EventEmitter): Promise<Buffer> {
  const chunks: Buffer[] = []
  doc.on('data', (chunk: Buffer) => chunks.push(chunk))
  return new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
}
