import { describe, expect, it } from 'vitest'
import { attachmentHeader } from '#platform/http/downloads.ts'
import { checkEvidence, keptFilename, MAX_EVIDENCE_BYTES } from './evidence.ts'

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
  Buffer.from('IHDR'),
  Buffer.alloc(17),
])

describe('evidence files', () => {
  it('takes a PDF and an image by their bytes, with the type they are served back as', async () => {
    expect(await checkEvidence(Buffer.from('%PDF-1.7\n%%EOF\n'))).toEqual({
      ok: true,
      contentType: 'application/pdf',
    })
    expect(await checkEvidence(png)).toEqual({ ok: true, contentType: 'image/png' })
  })

  it('refuses programs whatever they are called, and what it cannot recognise', async () => {
    for (const head of ['MZ', '\x7fELF', '#!/bin/sh\n'])
      expect(
        await checkEvidence(Buffer.concat([Buffer.from(head, 'latin1'), Buffer.alloc(64)])),
      ).toMatchObject({
        ok: false,
        message: expect.stringContaining('is a program'),
      })
    expect(await checkEvidence(Buffer.from('<html><script>alert(1)</script></html>'))).toMatchObject({
      ok: false,
      message: expect.stringContaining('must be a PDF'),
    })
  })

  it('refuses an empty file and one over 10 MB', async () => {
    expect(await checkEvidence(Buffer.alloc(0))).toEqual({ ok: false, message: 'The selected file is empty' })
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(MAX_EVIDENCE_BYTES)])
    expect(await checkEvidence(big)).toEqual({ ok: false, message: 'The file must be smaller than 10 MB' })
  })

  it('keeps only the last part of a name, without control characters', () => {
    expect(keptFilename('C:\\Users\\me\\audit.pdf')).toBe('audit.pdf')
    expect(keptFilename('../../etc/passwd')).toBe('passwd')
    expect(keptFilename('a\u0007b.pdf')).toBe('ab.pdf')
    expect(keptFilename('')).toBe('evidence')
  })

  it('names a download safely, non-ASCII names included', () => {
    expect(attachmentHeader('audit "final".pdf')).toBe(
      `attachment; filename="audit _final_.pdf"; filename*=UTF-8''audit%20%22final%22.pdf`,
    )
    expect(attachmentHeader('résumé.pdf')).toContain(`filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`)
  })
})
