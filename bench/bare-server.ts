// The floor for start-up on PostgreSQL: a process that connects to the same database, asks it
// one thing and listens, with nothing of Cascade's own.
import Fastify from 'fastify'
import pg from 'pg'

const db = new pg.Client({ connectionString: process.env.DATABASE_URL })
await db.connect()
await db.query('SELECT 1')
const app = Fastify()
app.get('/health/ready', () => ({ status: 'ok' }))
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
process.on('SIGTERM', async () => {
  await app.close()
  await db.end()
  process.exit(0)
})
