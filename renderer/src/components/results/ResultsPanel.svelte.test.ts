// The "Simulating…" status: shown only for a run that takes long enough to notice, never flashed on every edit.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { editor } from '../../state/editor.svelte';
import ResultsPanel from './ResultsPanel.svelte';

let panel: Record<string, unknown> | undefined;
beforeEach(() => {
  vi.useFakeTimers();
  panel = mount(ResultsPanel, { target: document.body });
});
afterEach(() => {
  if (panel) void unmount(panel);
  editor.simulating = false;
  vi.useRealTimers();
});

const status = () =>
  [...document.querySelectorAll('[role="status"]')].find((element) => element.textContent === 'Simulating…');

describe('the results panel while a simulation runs', () => {
  it('says "Simulating…" only once a run has taken 300 ms, and stops saying it when the run ends', () => {
    editor.simulating = true;
    flushSync();
    vi.advanceTimersByTime(299);
    flushSync();
    expect(status()).toBeUndefined();
    vi.advanceTimersByTime(2);
    flushSync();
    expect(status()).toBeDefined();
    editor.simulating = false;
    flushSync();
    expect(status()).toBeUndefined();
  });

  it('never shows it for a run that answers in time', () => {
    editor.simulating = true;
    flushSync();
    vi.advanceTimersByTime(120);
    editor.simulating = false;
    flushSync();
    vi.advanceTimersByTime(1000);
    flushSync();
    expect(status()).toBeUndefined();
  });
});
