import { enableCompileCache } from 'node:module'

// Compiling Cascade's several hundred modules, type stripping included, is most of a start-up.
// Node keeps what it compiled on disk (in NODE_COMPILE_CACHE, else the system's temporary
// folder) and a restart of the same code reads it back, so a restarted or added process is
// ready sooner. Everything is imported after this line, so all of it is cached.
enableCompileCache()
await import('./web.ts')
