// A build step (Vite plugin) that turns each message catalog into ICU ASTs, so the page ships react-intl
// without its ICU parser (aliased to the parser-free build): about 10 kB gzip less initial JavaScript, and no
// message parsing at run time. Node (tests) imports the catalogs as plain strings and parses them there.
import { readFile } from 'node:fs/promises';
import { parse } from '@formatjs/icu-messageformat-parser';
import type { Plugin } from 'vite';

const CATALOG = /[\\/]renderer[\\/]i18n[\\/]messages[\\/][a-z-]+\.json$/;
const VIRTUAL = '\0parley-catalog:';

export function precompileMessages(): Plugin {
  return {
    name: 'parley-precompile-messages',
    enforce: 'pre',
    config: () => ({
      resolve: {
        alias: [
          {
            find: /^@formatjs\/icu-messageformat-parser$/,
            replacement: '@formatjs/icu-messageformat-parser/no-parser.js',
          },
        ],
      },
    }),
    // A catalog import becomes a virtual module (no .json ending, so Vite's JSON plugin leaves it alone)
    // whose code is the compiled catalog.
    async resolveId(source, importer) {
      if (!source.endsWith('.json') || !importer) return null;
      const resolved = await this.resolve(source, importer, { skipSelf: true });
      // The virtual id drops '.json' too: Vite's JSON plugin takes any id ending in it.
      return resolved && CATALOG.test(resolved.id)
        ? `${VIRTUAL}${resolved.id.slice(0, -'.json'.length)}`
        : null;
    },
    async load(id) {
      if (!id.startsWith(VIRTUAL)) return null;
      const file = `${id.slice(VIRTUAL.length)}.json`;
      this.addWatchFile(file);
      const messages = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
      const compiled: Record<string, unknown> = {};
      for (const [key, message] of Object.entries(messages)) compiled[key] = parse(message);
      return `export default ${JSON.stringify(compiled)};`;
    },
  };
}
