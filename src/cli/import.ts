import { readFileSync, statSync } from 'node:fs'
import { basename } from 'node:path'
import { MAX_FILE_BYTES, readCsv } from '#features/directory/import/read.ts'
import { guessMapping, importFieldNames, missingFields } from '#features/directory/import/rows.ts'
import { systemContext } from '#platform/context.ts'
import { clockFor } from '#src/runtime.ts'
import { createServices } from '#src/services.ts'
import { say, withDatabase } from './connection.ts'

/** A progress bar on standard error, redrawn in place on a terminal and printed every tenth otherwise. */
export function progressBar(label: string) {
  let lastTenth = -1
  return (done: number, total: number) => {
    const fraction = total ? done / total : 1
    if (process.stderr.isTTY) {
      const width = 30
      const filled = Math.round(fraction * width)
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}`)
      if (done >= total) process.stderr.write('\n')
    } else if (Math.floor(fraction * 10) > lastTenth) {
      lastTenth = Math.floor(fraction * 10)
      say(`${label}: ${done}/${total}`)
    }
  }
}

/**
 * `cascade import people FILE --partnership SLUG`: checks a staff CSV, lists every problem by
 * row, then imports the rows without one in a single transaction.
 */
export async function importPeopleCommand(
  file: string,
  options: { partnership: string; dryRun?: boolean },
): Promise<void> {
  if (statSync(file).size > MAX_FILE_BYTES) throw new Error('The file must be smaller than 25 MB')
  const reading = readCsv(readFileSync(file))
  if (!reading.ok) throw new Error(`${basename(file)}: ${reading.reason}`)
  const { table } = reading
  const mapping = guessMapping(table.headers)
  const missing = missingFields(mapping)
  if (missing.length) {
    throw new Error(
      `No column found for ${missing.map((f) => importFieldNames[f]).join(', ')}. Headings found: ${table.headers.join(', ')}`,
    )
  }
  await withDatabase(async ({ db }, config) => {
    const services = createServices({ config, db, clock: clockFor(config) })
    const partnership = await services.partnerships.bySlug(options.partnership)
    if (!partnership) throw new Error(`There is no partnership ${options.partnership}`)
    const ctx = systemContext(partnership, 'cli:import')
    say(`Read ${table.rows.length} rows (${table.encoding})`)
    const preview = await services.imports.check(ctx, table, mapping)
    const leftOut = new Set(preview.problems.filter((p) => p.blocking).map((p) => p.row))
    for (const problem of preview.problems.slice(0, 50)) {
      say(`  ${problem.text}${leftOut.has(problem.row) ? '' : ' (still imported)'}`)
    }
    if (preview.problems.length > 50) say(`  … and ${preview.problems.length - 50} more problems`)
    say(
      `${preview.toAdd} to add, ${preview.toUpdate} to update, ${preview.unchanged} unchanged, ${table.rows.length - preview.rows.length} left out`,
    )
    if (options.dryRun) return
    const outcome = await services.imports.commit(ctx, preview.rows, progressBar('Importing'))
    say(
      `Added ${outcome.added}, updated ${outcome.updated}, unchanged ${outcome.unchanged}${outcome.leftOut ? `, ${outcome.leftOut} left out` : ''}`,
    )
  })
}
