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

test('settledAll gives the values in order, and throws the first failure only once every promise has settled', async () => {
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
