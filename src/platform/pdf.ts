/**
 * pdfkit, loaded the first time a PDF is made rather than at start-up: most requests never
 * make one, and a process is ready sooner without it.
 */
let loaded: Promise<typeof import('pdfkit')> | undefined

export async function pdfKit(): Promise<typeof import('pdfkit')> {
  loaded ??= import('pdfkit').then((m) => m.default)
  return loaded
}
