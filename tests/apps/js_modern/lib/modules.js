// ES modules and CommonJS, mixed; a package's "exports" conditions.
import greet, { shout } from 'greeter';
import legacy, { describe } from './legacy.cjs';
import * as lazyNamespace from './lazy.js';

export async function modules() {
  const lazy = await import('./lazy.js');
  return [
    `import: ${greet('esm')} / ${shout('esm')}`,
    `require from commonjs: ${legacy.greetRequired('cjs')} version ${legacy.version}`,
    `commonjs default and named: ${legacy.describe()} ${describe === legacy.describe}`,
    `dynamic import: ${lazy.default} ${lazy.twice(21)} same namespace ${lazy.twice === lazyNamespace.twice}`
  ];
}
