import { Command, Option } from 'commander'
import { roles } from '#platform/auth/roles.ts'
import { ConfigError } from '#src/config.ts'
import { runWorker } from '#src/worker.ts'
import { migrateCommand, seedCommand } from './database.ts'
import { importPeopleCommand } from './import.ts'
import { createPartnershipCommand } from './partnerships.ts'
import { createTokenCommand, listTokensCommand, revokeTokenCommand } from './tokens.ts'
import { createUserCommand } from './users.ts'

/**
 * `cascade`: the operator's command line. Every command works whether or not the server is
 * running on the same embedded database: it reaches the running server's socket when there
 * is one, and opens the database itself when there is not.
 */
const program = new Command('cascade')
  .description('Cascade: multi-agency safeguarding learning and improvement')
  .showHelpAfterError()

program.command('migrate').description('apply the database migrations').action(migrateCommand)

program
  .command('seed')
  .description('load data')
  .option('--demo', 'load the five demo partnerships, their policies, agencies and users')
  .option(
    '--scale <size>',
    'build a synthetic partnership at scale: large (800 agencies, 60,000 practitioners, five years)',
  )
  .option('--partnership <slug>', 'with --scale: the partnership to build (made if it does not exist)')
  .option('--seed <n>', 'with --scale: the seed that decides every value (default 1)')
  .action(seedCommand)

const partnerships = program.command('partnerships').description('manage partnerships (tenants)')
partnerships
  .command('create')
  .description('create a partnership with the default policy')
  .requiredOption('--slug <slug>', 'short name used in addresses, like north-somerset')
  .requiredOption('--name <name>', 'the partnership’s name')
  .action(createPartnershipCommand)

const users = program.command('users').description('manage users')
users
  .command('create')
  .description('create a user (or find them by email) and give them a role in a partnership')
  .requiredOption('--email <email>', 'work email address')
  .requiredOption('--name <name>', 'the name to show')
  .requiredOption('--partnership <slug>', 'the partnership')
  .addOption(new Option('--role <role>', 'their role').choices([...roles]).makeOptionMandatory())
  .option('--agency <id...>', 'for an agency lead: the agencies they lead')
  .option('--password-stdin', 'read a password from standard input (otherwise they sign in by emailed link)')
  .action(createUserCommand)

const tokens = program.command('tokens').description('manage API tokens')
tokens
  .command('create')
  .description('create an API token for a user in a partnership; prints only the token, once')
  .requiredOption('--partnership <slug>', 'the partnership')
  .requiredOption('--user <email>', 'the user the token acts as')
  .option('--name <name>', 'what the token is for', 'API token')
  .option('--expires-in-days <days>', 'how many days until it stops working, from 1 to 730 (default: a year)')
  .action(createTokenCommand)
tokens
  .command('list')
  .description('list a partnership’s API tokens: whose, made, last used, expiry and status (never the token)')
  .requiredOption('--partnership <slug>', 'the partnership')
  .action(listTokensCommand)
tokens
  .command('revoke <id>')
  .description('revoke an API token at once, named by its id or the start of it that `tokens list` shows')
  .requiredOption('--partnership <slug>', 'the partnership')
  .action(revokeTokenCommand)

const imports = program.command('import').description('import data from files')
imports
  .command('people <file>')
  .description('import staff from an HR system’s CSV export: added or updated by email, never deleted')
  .requiredOption('--partnership <slug>', 'the partnership')
  .option('--dry-run', 'check the file and list its problems without importing')
  .action(importPeopleCommand)

program.command('worker').description('run background and scheduled jobs (no web pages)').action(runWorker)

try {
  await program.parseAsync()
} catch (error) {
  console.error(
    error instanceof ConfigError
      ? error.message
      : `cascade: ${error instanceof Error ? error.message : error}`,
  )
  process.exit(1)
}
