// The runtime library: ES2015-ES2022 built-ins and their methods.
export function builtins() {
  const out = [];
  const wm = new WeakMap();
  const k = {};
  wm.set(k, 'weak');
  const ws = new WeakSet([k]);
  out.push(`weak: ${wm.get(k)} ${wm.has({})} ${ws.has(k)}`);
  const map = new Map(Object.entries({ b: 2, a: 1 }));
  out.push(`map: ${map.size} ${[...map.keys()]} ${JSON.stringify(Object.fromEntries(map))} ${Object.prototype.toString.call(map)}`);
  out.push(`array: ${[1, [2, [3, [4]]]].flat(2)} ${[1, 2].flatMap((x) => [x, x * 10])} ${[5, 6, 7].at(-1)} ${[1, 2, 3].includes(2)} ${[1, 2, 3, 4].findLast((x) => x % 2)} ${Array.from({ length: 3 }, (_, i) => i * i)} ${Array.of(7, 8)}`);
  out.push(`array fill/find: ${new Array(3).fill(0)} ${[4, 5, 6].find((x) => x > 4)} ${[4, 5, 6].findIndex((x) => x > 4)} ${[3, 1, 2].sort()}`);
  out.push(`string: ${'5'.padStart(3, '0')} ${'ab'.padEnd(4, '.')} ${'a-b-c'.replaceAll('-', '+')} ${'  x '.trimStart()}| ${'xyz'.at(-1)} ${'abc'.includes('b')} ${'abc'.startsWith('a')} ${String.raw`a\nb`} ${'😀'.codePointAt(0)} ${String.fromCodePoint(128512)}`);
  out.push(`object: ${Object.values({ a: 1, b: 2 })} ${Object.hasOwn({ x: 1 }, 'x')} ${JSON.stringify(Object.assign({}, { a: 1 }, { b: 2 }))} ${Object.keys(Object.getOwnPropertyDescriptors({ g: 1 }))}`);
  out.push(`number and math: ${Number.isInteger(5)} ${Number.isSafeInteger(2 ** 53)} ${Number.EPSILON > 0} ${Math.trunc(-4.7)} ${Math.sign(-3)} ${Math.cbrt(-8)} ${Math.log2(8)} ${Math.hypot(3, 4)}`);
  out.push(`symbol: ${typeof Symbol.iterator} ${typeof Symbol.asyncIterator} ${Symbol('desc').description} ${Symbol.for('x') === Symbol.for('x')}`);
  out.push(`globalThis: ${typeof globalThis} ${globalThis.Array === Array}`);
  const it = [10, 20][Symbol.iterator]();
  out.push(`iterator protocol: ${JSON.stringify(it.next())} ${JSON.stringify(it.next())} ${JSON.stringify(it.next())}`);
  out.push(`entries: ${[...['x', 'y'].entries()].join(';')} ${[...new Map([[1, 'a']]).entries()].join(';')}`);
  const typed = new Uint8Array([3, 1, 2]);
  out.push(`typed arrays: ${typed.includes(1)} ${typed.at(-1)} ${[...typed]}`);
  return out;
}
