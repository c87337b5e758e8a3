import { writeFileSync } from 'node:fs';
import { renderContracts } from './contracts.js';

// npm run openapi: writes openapi/openapi.json and openapi/schema.graphql from the running code.
const { openapi, sdl } = await renderContracts();
writeFileSync(new URL('../../openapi/openapi.json', import.meta.url), openapi);
writeFileSync(new URL('../../openapi/schema.graphql', import.meta.url), sdl);
console.log('wrote openapi/openapi.json and openapi/schema.graphql');
