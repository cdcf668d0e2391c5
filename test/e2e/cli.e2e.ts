import { execFileSync } from 'node:child_process'
import { describe, expect, inject, it } from 'vitest'
import { baseUrl, expectAccessible, launch, newContext, signIn } from './browser.ts'

function cascade(...args: string[]): { stdout: string } {
  const input = args.includes('--password-stdin') ? 'a long enough password\n' : undefined
  const stdout = execFileSync(process.execPath, ['bin/cascade.js', ...args], {
    env: { ...process.env, CASCADE_DATA_DIR: inject('dataDir'), LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  return { stdout }
}

describe('the command line beside a running server', () => {
  it('creates an API token through the server’s database, printing only the token', async () => {
    const { stdout } = cascade(
      'tokens',
      'create',
      '--partnership',
      'north-somerset',
      '--user',
      'admin@north-somerset.example.org',
    )
    expect(stdout).toMatch(/^cas_[A-Za-z0-9_-]{40,}\n$/)
    const response = await fetch(`${baseUrl()}/api/v1/policy`, {
      headers: { authorization: `Bearer ${stdout.trim()}` },
    })
    expect(response.status).toBe(200)
    const body = (await response.json()) as { rules: { followUpDelayMonths: number } }
    expect(body.rules.followUpDelayMonths).toBe(4)
  })

  it('creates a user who can then sign in by link', async () => {
    cascade(
      'users',
      'create',
      '--email',
      'new.lead@example.org',
      '--name',
      'New Lead',
      '--partnership',
      'jersey',
      '--role',
      'agency-lead',
    )
    const { stdout } = cascade(
      'tokens',
      'create',
      '--partnership',
      'jersey',
      '--user',
      'New.Lead@example.org',
    )
    expect(stdout).toMatch(/^cas_/)
  })

  it('refuses a token for an unknown user with a clear message', () => {
    expect(() =>
      cascade('tokens', 'create', '--partnership', 'jersey', '--user', 'nobody@example.org'),
    ).toThrow(/There is no user nobody@example.org/)
  })
})

describe('a user in two partnerships', () => {
  it('chooses which partnership to work in after signing in', async () => {
    for (const partnership of ['norfolk', 'shropshire']) {
      cascade(
        'users',
        'create',
        '--email',
        'two.boards@example.org',
        '--name',
        'Two Boards',
        '--partnership',
        partnership,
        '--role',
        'trainer',
        '--password-stdin',
      )
    }
    const browser = await launch()
    try {
      const page = await (await newContext(browser)).newPage()
      await signIn(page, 'two.boards@example.org', 'a long enough password')
      expect(new URL(page.url()).pathname).toBe('/choose-partnership')
      await expectAccessible(page)
      await page.getByLabel('Shropshire Safeguarding Community Partnership').check()
      await page.getByRole('button', { name: 'Continue' }).click()
      await page.waitForURL('**/dashboard')
      expect(await page.locator('h1').textContent()).toBe('Shropshire Safeguarding Community Partnership')
      expect(await page.getByRole('link', { name: 'Change partnership' }).count()).toBe(1)
      await expectAccessible(page)
    } finally {
      await browser.close()
    }
  })
})
