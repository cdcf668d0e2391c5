#!/usr/bin/env node
// The `cascade` command line. Cascade's sources are TypeScript run by Node 24's type stripping;
// when an older Node runs this file (a machine's own), hand over to the project's pinned Node.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const major = Number(process.versions.node.split('.')[0])
if (major < 24) {
  const pinned = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url))
  if (!existsSync(pinned)) {
    console.error('Cascade needs Node 24: run `npm ci` first, or use Node 24.')
    process.exit(1)
  }
  const result = spawnSync(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  })
  process.exit(result.status ?? 1)
}
await import('../src/cli/main.ts')
