// Preloaded by bench/memory.ts (node --import): on SIGURG (ignored by default, so nothing else reacts to it) the
// process writes its own process.memoryUsage() as JSON to MEMORY_PROBE_FILE. Only the bench loads it.
import { writeFileSync } from 'node:fs';
import process from 'node:process';

const file = process.env.MEMORY_PROBE_FILE;
if (file) process.on('SIGURG', () => writeFileSync(file, JSON.stringify(process.memoryUsage())));
