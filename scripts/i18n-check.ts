// The message catalogs against the code (`node scripts/i18n-check.ts`; also run by i18n-check.test.ts in
// `npm test`): every message id the renderer uses (`formatMessage({ id: 'x.y' })`, `<FormattedMessage
// id="x.y">`, or any `id: 'x.y'` descriptor) is in every catalog, no catalog keeps an id the code no longer
// uses, and every message parses as ICU with the same placeholders in each language as in English.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface CheckInput {
  /** Folder whose .ts/.tsx files (tests excepted) use the ids. */
  sourceDir: string;
  /** Language -> its catalog; 'en' is the reference for placeholders. */
  catalogs: Record<string, Record<string, string>>;
}

// A dotted id right after `id:` or `id=`; ids are feature-named (`roster.add.title`), so a plain DOM id
// (`id="roster"`) has no dot and is not taken for one.
const ID_USE = /\bid(?::\s*|=\{?\s*)['"]([a-z][\w-]*(?:\.[\w-]+)+)['"]/g;

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(full));
    else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) files.push(full);
  }
  return files;
}

/** Id -> the first file using it. */
export function usedIds(sourceDir: string): Map<string, string> {
  const ids = new Map<string, string>();
  for (const file of sourceFiles(sourceDir)) {
    for (const match of readFileSync(file, 'utf8').matchAll(ID_USE)) {
      const id = match[1];
      if (id && !ids.has(id)) ids.set(id, path.relative(sourceDir, file));
    }
  }
  return ids;
}

/** Every argument and tag name a message refers to, at any depth (plural branches included). */
function placeholders(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const element of elements) {
    switch (element.type) {
      case TYPE.argument:
      case TYPE.number:
      case TYPE.date:
      case TYPE.time:
        into.add(element.value);
        break;
      case TYPE.select:
      case TYPE.plural:
        into.add(element.value);
        for (const option of Object.values(element.options)) placeholders(option.value, into);
        break;
      case TYPE.tag:
        into.add(`<${element.value}>`);
        placeholders(element.children, into);
        break;
      default:
        break;
    }
  }
  return into;
}

function parsedPlaceholders(message: string): Set<string> | string {
  try {
    return placeholders(parse(message));
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const sameSet = (a: Set<string>, b: Set<string>): boolean =>
  a.size === b.size && [...a].every((name) => b.has(name));

const listed = (names: Set<string>): string => [...names].sort().join(', ') || 'none';

export function checkCatalogs({ sourceDir, catalogs }: CheckInput): string[] {
  const problems: string[] = [];
  const used = usedIds(sourceDir);
  const english = catalogs.en ?? {};
  for (const [language, catalog] of Object.entries(catalogs)) {
    for (const [id, file] of used) {
      if (!(id in catalog)) problems.push(`${language}: missing '${id}' (used in ${file})`);
    }
    for (const [id, message] of Object.entries(catalog)) {
      if (!used.has(id)) problems.push(`${language}: '${id}' is not used by the code`);
      const names = parsedPlaceholders(message);
      if (typeof names === 'string') {
        problems.push(`${language}: '${id}' is not valid ICU (${names})`);
        continue;
      }
      const reference = english[id] === undefined ? undefined : parsedPlaceholders(english[id]);
      if (language !== 'en' && reference instanceof Set && !sameSet(names, reference)) {
        problems.push(
          `${language}: '${id}' has placeholders ${listed(names)}; English has ${listed(reference)}`,
        );
      }
    }
  }
  return problems;
}

function readCatalog(language: string): Record<string, string> {
  const file = path.join(ROOT, 'renderer/i18n/messages', `${language}.json`);
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
}

/** The project's own renderer and catalogs. */
export function checkProject(): string[] {
  return checkCatalogs({
    sourceDir: path.join(ROOT, 'renderer'),
    catalogs: { en: readCatalog('en'), de: readCatalog('de') },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems = checkProject();
  for (const problem of problems) console.error(problem);
  console.log(problems.length === 0 ? 'i18n: catalogs complete' : `i18n: ${problems.length} problem(s)`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
