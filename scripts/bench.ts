// `npm run bench -- NAME [args]`: runs scripts/bench/NAME.ts, which prints one JSON line per figure.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bench');
const available = readdirSync(dir)
  .filter((file) => file.endsWith('.ts') && !file.includes('.test.') && !file.startsWith('_'))
  .map((file) => file.slice(0, -3));
const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- NAME   (one of: ${available.join(', ')})`);
  process.exit(2);
}
const bench = (await import(pathToFileURL(path.join(dir, `${name}.ts`)).href)) as {
  main(args: string[]): Promise<void>;
};
await bench.main(process.argv.slice(3));
