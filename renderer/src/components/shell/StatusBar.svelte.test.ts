// The status bar counts the design's blocks, links and problems in words a reader expects: "1 block", not
// "1 blocks"; "1 error · 2 warnings".
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../../engine/diagnostics';
import { testDesign } from '../../../../engine/testing/fixtures';
import { editor } from '../../state/editor.svelte';
import StatusBar from './StatusBar.svelte';

let bar: Record<string, unknown> | undefined;
afterEach(() => {
  if (bar) void unmount(bar);
  editor.document = null;
  editor.diagnostics = [];
});

const problem = (severity: Diagnostic['severity'], code: string): Diagnostic => ({
  severity,
  code,
  message: `${code} in this test`,
});

describe('the status bar', () => {
  it('says one block, one error and one warning in the singular, more in the plural', () => {
    const design = testDesign({ tile: { type: 'test.array' }, dram: { type: 'test.dram' } }, [
      ['tile', 'dram'],
    ]);
    editor.document = { ...design, blocks: design.blocks.slice(0, 1), links: [] };
    editor.diagnostics = [problem('error', 'a'), problem('warning', 'b')];
    bar = mount(StatusBar, { target: document.body });
    flushSync();
    const text = document.querySelector('footer')?.textContent?.replace(/\s+/g, ' ') ?? '';
    expect(text).toContain('1 block · 0 links');
    expect(text).toContain('1 error · 1 warning');

    editor.document = design;
    editor.diagnostics = [problem('error', 'a'), problem('error', 'c'), problem('warning', 'b')];
    flushSync();
    const more = document.querySelector('footer')?.textContent?.replace(/\s+/g, ' ') ?? '';
    expect(more).toContain('2 blocks · 1 link');
    expect(more).toContain('2 errors · 1 warning');
  });
});
