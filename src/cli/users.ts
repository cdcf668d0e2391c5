import { z } from 'zod'
import { hashPassword } from '#platform/auth/passwords.ts'
import type { Role } from '#platform/auth/roles.ts'
import { ensureUser, grantRole } from '#platform/auth/users.ts'
import { say, withDatabase } from './connection.ts'

const input = z.object({
  email: z.email({ message: 'Enter an email address in the correct format, like name@example.org' }),
  name: z.string().trim().min(1).max(200),
  partnership: z.string().min(1),
  agency: z.array(z.uuid({ message: 'An agency is named by its id' })).optional(),
})

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}

export async function createUserCommand(options: {
  email: string
  name: string
  partnership: string
  role: Role
  agency?: string[]
  passwordStdin?: boolean
}): Promise<void> {
  const parsed = input.parse(options)
  const password = options.passwordStdin ? await readStdin() : null
  if (password !== null && password.length < 12) throw new Error('A password needs at least 12 characters')
  await withDatabase(async ({ db }) => {
    const partnership = await db.anonymous({}, (sql) =>
      sql.maybeOne<{ id: string }>('SELECT id FROM partnerships WHERE slug = $1', [parsed.partnership]),
    )
    if (!partnership) throw new Error(`There is no partnership ${parsed.partnership}`)
    const user = await ensureUser(db, {
      email: parsed.email,
      displayName: parsed.name,
      passwordHash: password ? await hashPassword(password) : null,
    })
    await grantRole(db, {
      partnershipId: partnership.id,
      userId: user.id,
      role: options.role,
      agencyIds: parsed.agency,
      actor: 'cli',
    })
    say(
      `${user.created ? 'Created' : 'Found'} ${parsed.email}; they are now ${options.role} in ${parsed.partnership}`,
    )
  })
}
