import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemContext } from '#platform/context.ts'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

let t: TestApp
let admin: Browser

beforeAll(async () => {
  t = await testApp()
  admin = await t.signIn('admin@norfolk.example.org')
})
afterAll(() => t?.close())

// An HR export as Excel on Windows saves it: byte-order mark, CRLF, quoted commas, a blank line.
const staffFile = `\uFEFF${[
  'Forename,Surname,Email Address,Organisation,Job Title,Line Manager,Line Manager Email',
  'Asha,Khan,asha.khan@example.org,Norfolk Police,"Sergeant, safeguarding",Mo Manager,mo@example.org',
  '',
  'Ben,Jones,not-an-email,Norfolk Police,Constable,Mo Manager,mo@example.org',
  'Cara,Lee,cara.lee@example.org,Nowhere Agency,Nurse,Mo Manager,mo@example.org',
  'Dev,Shah,asha.khan@example.org,Norfolk Police,Constable,Mo Manager,mo@example.org',
  'Eve,Moss,eve.moss@example.org,Norfolk Police,=HYPERLINK("http://x"),,',
  'Finn,Ode,finn.ode@example.org,Norfolk Police,Analyst,,',
].join('\r\n')}\r\n`

async function uploadThrough(browser: Browser, content: string | Buffer, filename = 'staff.csv') {
  await browser.get('/people/import')
  return browser.upload('/people/import', { field: 'file', filename, content })
}

describe('importing staff on screen', () => {
  it('uploads, guesses the columns, lists every row’s problems by row number, then imports', async () => {
    const uploaded = await uploadThrough(admin, staffFile)
    expect(uploaded.statusCode).toBe(303)
    const columnsUrl = String(uploaded.headers.location)
    expect(columnsUrl).toMatch(/^\/people\/import\/[0-9a-f-]{36}\/columns$/)

    const columns = page((await admin.get(columnsUrl)).body)
    expect(columns('#email option[selected]').text()).toBe('Email Address')
    expect(columns('#agency option[selected]').text()).toBe('Organisation')
    expect(columns('table').text()).toContain('Sergeant, safeguarding')

    const chosen = await admin.post(columnsUrl, {
      firstName: '0',
      lastName: '1',
      email: '2',
      agency: '3',
      role: '4',
      managerName: '5',
      managerEmail: '6',
    })
    expect(chosen.statusCode).toBe(303)
    const previewUrl = String(chosen.headers.location)
    const preview = page((await admin.get(previewUrl)).body)
    const problems = preview('tbody tr')
      .toArray()
      .map((row) => preview(row).find('td').eq(1).text())
    // Row numbers are the spreadsheet's: headings are row 1, and the blank line is row 3.
    expect(problems).toEqual([
      'Row 4 work email “not-an-email” is not an email address',
      'Row 5 agency “Nowhere Agency” is not in the directory',
      'Row 6 repeats the work email of row 2',
      'Row 7 role or job title starts with “=”, like a spreadsheet formula',
      'Row 7 has no line manager',
      'Row 8 has no line manager',
    ])
    expect(preview('.govuk-summary-list').text()).toMatch(/People to add\s+2/)
    expect(preview('button').text()).toContain('Import 2 people')

    const download = await admin.get(`${previewUrl.replace('/preview', '')}/problems.csv`)
    expect(download.headers['content-type']).toContain('text/csv')
    expect(download.body).toContain('Row 7 role or job title starts with')

    const committed = await admin.post(previewUrl, {})
    expect(committed.statusCode).toBe(303)
    const done = page((await admin.get(String(committed.headers.location))).body)
    expect(done('.govuk-summary-list').text()).toMatch(/Added\s+2/)
    expect(done('.govuk-summary-list').text()).toMatch(/Rows left out\s+4/)

    const people = (await admin.get('/people?q=asha')).body
    expect(people).toContain('asha.khan@example.org')
    const left = page((await admin.get('/people?q=eve.moss@example.org')).body)
    expect(left('table').text()).not.toContain('eve.moss@example.org')

    // Committing again (a double click, the back button) imports nothing twice.
    const again = await admin.post(previewUrl, {})
    expect(again.statusCode).toBe(303)
    const { total } = await t.services.directory.listPeople(
      systemContext(await t.partnership('norfolk'), 'test'),
      { q: 'asha.khan@example.org', sort: 'name', page: 1, pageSize: 5 },
    )
    expect(total).toBe(1)
  })

  it('asks for the columns it needs, and keeps the choices made', async () => {
    const uploaded = await uploadThrough(admin, 'Name,Mail\nA,a@example.org\n')
    const columnsUrl = String(uploaded.headers.location)
    const response = await admin.post(columnsUrl, { email: '1' })
    expect(response.statusCode).toBe(400)
    const html = page(response.body)
    expect(html('.govuk-error-summary').text()).toContain('first name')
    expect(html('.govuk-error-summary').text()).toContain('agency')
    expect(html('#email option[selected]').text()).toBe('Mail')
  })

  it('refuses a file it cannot read with a clear message, and keeps nothing', async () => {
    const cases: [string | Buffer, string][] = [
      [Buffer.alloc(0), 'Select a CSV file'],
      [Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0]), 'must be a CSV file'],
      [Buffer.alloc(26 * 1024 * 1024, 'x'), 'smaller than 25 MB'],
      // Each column would be offered under every field on the next page.
      [`${'x,'.repeat(1_000)}x\n1\n`, '200 columns or fewer'],
      [`${'x,'.repeat(45_000)}x\n1\n`, 'shorter than 64 KB'],
    ]
    const before = await importsCount()
    for (const [content, message] of cases) {
      const response = await uploadThrough(admin, content, content.length ? 'staff.csv' : '')
      expect(response.statusCode).toBe(400)
      expect(page(response.body)('.govuk-error-summary').text()).toContain(message)
    }
    expect(await importsCount()).toBe(before)
  })

  it('refuses an upload without the form’s token', async () => {
    await admin.get('/people/import')
    const response = await admin.upload(
      '/people/import',
      { field: 'file', filename: 'staff.csv', content: staffFile },
      {},
      { csrf: 'forged' },
    )
    expect(response.statusCode).toBe(403)
  })

  it('keeps an agency lead to the agencies they lead', async () => {
    const lead = await t.signIn('agency-lead@norfolk.example.org')
    const uploaded = await uploadThrough(lead, staffFile)
    const columnsUrl = String(uploaded.headers.location)
    await lead.get(columnsUrl)
    const chosen = await lead.post(columnsUrl, { firstName: '0', lastName: '1', email: '2', agency: '3' })
    const preview = (await lead.get(String(chosen.headers.location))).body
    expect(preview).toContain('Row 2 agency “Norfolk Police” is not one you lead')
    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    expect((await practitioner.get(columnsUrl)).statusCode).toBe(403)
    // A file may hold other agencies' staff: a lead never opens an import someone else made.
    const adminsUpload = await uploadThrough(admin, staffFile)
    expect((await lead.get(String(adminsUpload.headers.location))).statusCode).toBe(404)
  })
})

async function importsCount(): Promise<number> {
  const norfolk = await t.partnership('norfolk')
  const row = await t.db.tenant({ partnershipId: norfolk.id, userId: null }, (sql) =>
    sql.one<{ n: number }>('SELECT count(*)::int AS n FROM people_imports'),
  )
  return row.n
}
