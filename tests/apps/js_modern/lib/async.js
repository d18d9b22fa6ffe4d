// Promise, the job queue and timers: the order of what runs.
const sleep = (ms, value) => new Promise((resolve) => setTimeout(() => resolve(value), ms));

async function* ticker(n) {
  for (let i = 0; i < n; i++) {
    await sleep(1);
    yield i;
  }
}

export async function asyncRun() {
  const out = [];
  const order = [];
  order.push('sync');
  queueMicrotask(() => order.push('microtask'));
  Promise.resolve().then(() => order.push('then 1')).then(() => order.push('then 2'));
  setTimeout(() => order.push('timeout 0'), 0);
  await null;
  order.push('after await');
  await sleep(5);
  order.push('after sleep');
  out.push(`order: ${order.join(', ')}`);
  out.push(`all: ${await Promise.all([sleep(3, 'a'), 'b', Promise.resolve('c')])}`);
  const settled = await Promise.allSettled([Promise.reject(new Error('no')), 1]);
  out.push(`allSettled: ${settled.map((s) => `${s.status}:${s.value ?? s.reason.message}`)}`);
  out.push(`any: ${await Promise.any([Promise.reject(1), sleep(2, 'any wins')])}`);
  out.push(`race: ${await Promise.race([sleep(20, 'slow'), sleep(1, 'fast')])}`);
  try {
    await Promise.any([Promise.reject(new Error('x'))]);
  } catch (e) {
    out.push(`any rejected: ${e.constructor.name} ${e.errors.length}`);
  }
  const seen = [];
  for await (const v of ticker(3)) seen.push(v);
  out.push(`for await: ${seen}`);
  const timer = setTimeout(() => out.push('cleared timer ran'), 1);
  clearTimeout(timer);
  await sleep(3);
  out.push(`finally: ${await Promise.resolve('v').finally(() => 'ignored')}`);
  try {
    await (async () => { throw new TypeError('inner'); })();
  } catch (e) {
    out.push(`caught: ${e.name} ${e.message}`);
  }
  return out;
}
