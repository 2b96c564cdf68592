import { mapConcurrently, settledAll } from '../../src/concurrency.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('mapConcurrently keeps the order of the items and never runs more than the limit at once', async () => {
  let running = 0;
  let most = 0;
  const results = await mapConcurrently([5, 1, 4, 2, 3, 0], 2, async (n) => {
    running++;
    most = Math.max(most, running);
    for (let i = 0; i < n; i++) await tick();
    running--;
    return n * 10;
  });
  expect(results).toEqual([50, 10, 40, 20, 30, 0]);
  expect(most).toBe(2);
});

test('mapConcurrently starts no new item after a failure, and throws once the ones in flight have ended', async () => {
  const started: number[] = [];
  const ended: number[] = [];
  const failure = new Error('page 2 failed');
  const run = mapConcurrently([1, 2, 3, 4, 5, 6], 2, async (n) => {
    started.push(n);
    for (let i = 0; i < (n === 1 ? 5 : 1); i++) await tick();
    if (n === 2) throw failure;
    ended.push(n);
    return n;
  });
  await expect(run).rejects.toBe(failure);
  expect(started).toEqual([1, 2]);
  expect(ended).toEqual([1]);
});

test('settledAll gives the values in order, and throws the first failure only once every promise settled', async () => {
  expect(await settledAll([Promise.resolve(1), Promise.resolve('two')])).toEqual([1, 'two']);
  let slowDone = false;
  const slow = (async () => {
    for (let i = 0; i < 5; i++) await tick();
    slowDone = true;
    return 'slow';
  })();
  const failure = new Error('listing failed');
  await expect(settledAll([Promise.reject(failure), slow, Promise.reject(new Error('later'))])).rejects.toBe(failure);
  expect(slowDone).toBe(true);
});
