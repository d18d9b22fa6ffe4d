// ES2015-ES2022 syntax, one line of output per feature.
class Shape {
  static count = 0;
  static #created = [];
  static {
    Shape.kinds = ['shape'];
  }
  #name;
  sides = 0;
  constructor(name) {
    this.#name = name;
    Shape.count++;
    Shape.#created.push(name);
  }
  get name() { return this.#name; }
  set name(v) { this.#name = v.toUpperCase(); }
  #describe() { return `${this.#name} with ${this.sides} sides`; }
  describe() { return this.#describe(); }
  static created() { return Shape.#created.join('+'); }
  static isShape(o) { return #name in o; }
}
class Square extends Shape {
  sides = 4;
  constructor(size = 1) {
    super('square');
    this.size = size;
  }
  describe() { return `${super.describe()}, size ${this.size}`; }
  get area() { return this.size ** 2; }
}
class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
  }
}
function tag(strings, ...values) {
  return strings.raw.map((s, i) => s + (i < values.length ? `[${values[i]}]` : '')).join('');
}
function* fib() {
  let [a, b] = [0, 1];
  for (;;) {
    yield a;
    [a, b] = [b, a + b];
  }
}
function* take(n, it) {
  for (const v of it) {
    if (n-- <= 0) return;
    yield v;
  }
}
const iterable = { from: 1, to: 4, *[Symbol.iterator]() { for (let i = this.from; i <= this.to; i++) yield i; } };

export function syntax() {
  const out = [];
  const fns = [];
  for (const x of [1, 2, 3]) fns.push(() => x);
  for (let i = 0; i < 3; i++) fns.push(() => i * 10);
  out.push(`closures: ${fns.map((f) => f()).join(',')}`);
  let scoped = 'outer';
  {
    let scoped = 'inner';
    out.push(`block: ${scoped}`);
  }
  out.push(`block after: ${scoped}`);
  const sq = new Square(3);
  sq.name = 'box';
  out.push(`class: ${sq.describe()} area=${sq.area} name=${sq.name} count=${Shape.count} created=${Shape.created()} kinds=${Shape.kinds}`);
  out.push(`private in: ${Shape.isShape(sq)},${Shape.isShape({})}`);
  const err = new HttpError(404, 'not found');
  out.push(`error subclass: ${err instanceof HttpError},${err instanceof Error},${err.name},${err.status},${err.message},${String(err)}`);
  const caused = new Error('outer', { cause: err });
  out.push(`error cause: ${caused.cause === err} ${caused.cause.status} ${Object.keys(caused).length}`);
  out.push(`tagged: ${tag`a${1}b${'two'}c\n`}`);
  const { a = 1, b: { c } = { c: 2 }, ...rest } = { x: 9, y: 8, a: undefined };
  const [first, , third = 'def', ...others] = [10, 20, undefined, 40, 50];
  out.push(`destructuring: ${a} ${c} ${JSON.stringify(rest)} ${first} ${third} ${others}`);
  const key = 'dyn';
  const obj = { key, [`${key}amic`]: true, ...{ spread: 1 }, method() { return 'm'; } };
  out.push(`object: ${JSON.stringify(obj)} ${obj.method()}`);
  out.push(`spread: ${Math.max(...[3, 7, 5])} ${[...'héllo'].length} ${[...new Set([1, 1, 2])]}`);
  out.push(`for-of string: ${[...'a😀b'].join('|')}`);
  const m = new Map([['one', 1], ['two', 2]]);
  const pairs = [];
  for (const [k, v] of m) pairs.push(`${k}=${v}`);
  out.push(`for-of map: ${pairs.join('&')} set: ${[...new Set('aab')].join('')}`);
  out.push(`generators: ${[...take(10, fib())].join(',')} iterable: ${[...iterable]}`);
  const deep = { a: { b: null, f() { return 'called'; } } };
  out.push(`optional: ${deep?.a?.b?.c} ${deep.a.f?.()} ${deep.x?.()} ${deep?.['a']?.['b'] ?? 'fallback'}`);
  let u, z = 0, t = 'keep';
  u ??= 'set';
  z ||= 5;
  t &&= 'and';
  out.push(`logical assignment: ${u} ${z} ${t}`);
  out.push(`numbers: ${2 ** 10} ${1_000_000} ${0b1010} ${0o17} ${0xff}`);
  const arrow = (p = 2, ...more) => p * more.length;
  out.push(`defaults and rest: ${arrow(undefined, 1, 2, 3)} ${arrow(5)}`);
  label: for (const i of [1, 2, 3]) {
    for (const j of [1, 2]) if (i * j === 4) break label;
    out.push(`label: ${i}`);
  }
  return out;
}
