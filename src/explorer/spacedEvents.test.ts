import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpacedEvents } from './spacedEvents';

const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('the first event goes out at once; closer ones are merged and sent once the gap has passed', async () => {
  const sent: Array<string[] | undefined> = [];
  const events = new SpacedEvents<string>((items) => sent.push(items), 40);
  events.push(['a']);
  assert.deepEqual(sent, [['a']]);
  events.push(['b']);
  events.push(['c', 'b']);
  assert.equal(sent.length, 1, 'an event inside the gap waits');
  await later(120);
  assert.deepEqual(sent, [['a'], ['b', 'c']]);
  // A whole-tree refresh among waiting items refreshes everything, once.
  events.push(['x']);
  events.push(['d']);
  events.push(undefined);
  events.push(['e']);
  await later(120);
  assert.deepEqual(sent.slice(2), [['x'], undefined]);
  events.dispose();
});

test('events spaced wider than the gap each go out at once, and dispose drops what waits', async () => {
  const sent: Array<string[] | undefined> = [];
  const events = new SpacedEvents<string>((items) => sent.push(items), 20);
  events.push(['a']);
  await later(60);
  events.push(['b']);
  assert.deepEqual(sent, [['a'], ['b']]);
  events.push(['c']);
  events.dispose();
  await later(60);
  assert.deepEqual(sent, [['a'], ['b']]);
});

test("under load, VS Code's own wait (started as our event goes out) always ends before the next event", async () => {
  const order: string[] = [];
  const events = new SpacedEvents<string>((items) => order.push(`sent ${items?.join()}`), 20);
  events.push(['a']);
  // What VS Code's debounce does as our event reaches it: a timer that, until it runs, merges later events.
  setTimeout(() => order.push('their wait ended'), 15);
  // The host is then busy past both waits, and a pass pushes in that same task.
  const until = performance.now() + 40;
  while (performance.now() < until);
  events.push(['b']);
  await later(60);
  assert.deepEqual(order, ['sent a', 'their wait ended', 'sent b']);
  events.dispose();
});
