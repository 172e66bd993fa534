// The editor's side of design deltas: what it sends the backend on each edit. The backend here keeps designs by
// token as the real one does (main/app/held-designs.ts) and simulates them with the real engine in-process; the
// end-to-end tests run the same flow against the real host and its workers.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { applyDesignDelta } from '../../../engine/design-delta';
import { evaluate } from '../../../engine/evaluate';
import type { DesignDocument } from '../../../engine/schema/design';
import { defaultWorkload, type Workload } from '../../../engine/schema/workload';
import { testCatalog, testDesign } from '../../../engine/testing/fixtures';
import type { DesignInput, Result, TesseraApi } from '../../../main/contract/api';
import { deleteElements, groupElements, setGroup, setParams } from '../editor/commands';
import { editor } from './editor.svelte';

const catalog = testCatalog();
const workload: Workload = { ...defaultWorkload('toy'), batch: 4 };
const design = testDesign(
  {
    tile: { type: 'test.array' },
    dram: { type: 'test.dram', params: { bandwidthBytesPerSecond: 1e12 } },
  },
  [['tile', 'dram']],
);

/** Every design input the editor sent, with the method it went to. */
const sent: { method: 'run' | 'sweep'; input: DesignInput }[] = [];
const held = new Map<string, DesignDocument>();
/** When set, the backend has "restarted": it holds nothing. */
let forgetAll = false;

function take(input: DesignInput): Result<DesignDocument> {
  if (forgetAll) {
    held.clear();
    forgetAll = false;
  }
  let document: DesignDocument | undefined;
  if ('design' in input) document = input.design;
  else {
    const base = held.get(input.base);
    if (!base) return { ok: false, error: { code: 'unknown-base', message: 'not held' } };
    const applied = input.delta ? applyDesignDelta(base, input.delta) : { ok: true as const, design: base };
    if (!applied.ok) return { ok: false, error: { code: 'invalid-payload', message: applied.message } };
    document = applied.design;
  }
  if (input.token !== undefined) held.set(input.token, document);
  return { ok: true, value: document };
}

const backend = {
  simulation: {
    run: (request: DesignInput & { workload: Workload }) => {
      sent.push({ method: 'run', input: request });
      const document = take(request);
      if (!document.ok) return Promise.resolve(document);
      return Promise.resolve({ ok: true, value: evaluate({ design: document.value, workload }, catalog) });
    },
    sweep: (request: DesignInput) => {
      sent.push({ method: 'sweep', input: request });
      const document = take(request);
      return Promise.resolve(document.ok ? { ok: true, value: [] } : document);
    },
  },
  designs: {
    save: async (request: { id: string; document: DesignDocument; baseRevision: number }) => {
      saves.push(request);
      await saveGate;
      if (busySaves > 0) {
        busySaves -= 1;
        return { ok: false, error: { code: 'busy', message: 'The project file is busy.' } };
      }
      const failure = failNextSave;
      failNextSave = undefined;
      if (failure) return { ok: false, error: { code: failure, message: `save failed (${failure})` } };
      return {
        ok: true,
        value: {
          id: request.id,
          name: request.document.name,
          revision: request.baseRevision + 1,
          updatedAt: '',
        },
      };
    },
  },
};

/** Every save the editor wrote; a save waits for `saveGate` (a test holds it to keep a save in flight). */
const saves: { id: string; document: DesignDocument; baseRevision: number }[] = [];
let saveGate: Promise<void> = Promise.resolve();
/** When set, the next save fails with this error code. */
let failNextSave: 'io' | 'conflict' | undefined;
/** This many of the next saves answer `busy` (another program holds the project file). */
let busySaves = 0;

beforeAll(() => {
  window.tessera = backend as unknown as TesseraApi;
});
afterAll(() => editor.close());

const lastRun = () => sent.filter((entry) => entry.method === 'run').at(-1)?.input;
const decodeOf = () => editor.report?.decode.tokensPerSecond;
const runs = () => sent.filter((entry) => entry.method === 'run').length;

describe('the editor sends each edit as a delta of the design the backend holds', () => {
  it('sends the design whole first, then only the block an edit changed, and shows the new results', async () => {
    editor.load({ id: 'd-1', name: design.name, document: design, workload, revision: 1, updatedAt: '' });
    await vi.waitFor(() => expect(decodeOf()).toBeGreaterThan(0));
    const first = lastRun();
    expect(first).toMatchObject({ design, token: expect.any(String) as string });
    const before = decodeOf()!;

    editor.run(setParams(['dram'], { bandwidthBytesPerSecond: 0.5e12 }, 'Set bandwidth'));
    await vi.waitFor(() => expect(decodeOf()).not.toBe(before));
    const second = lastRun();
    expect(second).toMatchObject({ base: first?.token, token: expect.any(String) as string });
    expect(second && 'delta' in second && second.delta?.blocks).toEqual({
      ids: ['tile', 'dram'],
      changed: [editor.document?.blocks[1]],
    });
    // The results are those of the whole edited design.
    const whole = evaluate({ design: editor.document!, workload }, catalog);
    expect(whole.ok && whole.report.decode.tokensPerSecond).toBe(decodeOf());
  });

  it('names the held design alone for the batch sweep of the same document', async () => {
    await vi.waitFor(() => expect(sent.at(-1)?.method).toBe('sweep'));
    const sweep = sent.at(-1)?.input;
    expect(sweep).toMatchObject({ base: (lastRun() as { token: string }).token });
    expect(sweep).not.toHaveProperty('design');
    expect(sweep).not.toHaveProperty('delta');
  });

  it('sends the design whole again when the backend no longer holds the base', async () => {
    forgetAll = true;
    const before = runs();
    const shown = decodeOf();
    editor.run(setParams(['dram'], { bandwidthBytesPerSecond: 2e12 }, 'Set bandwidth'));
    await vi.waitFor(() => expect(decodeOf()).not.toBe(shown));
    const [refused, resent] = sent.filter((entry) => entry.method === 'run').slice(before);
    expect(refused?.input).toHaveProperty('base');
    expect(resent?.input).toMatchObject({ design: editor.document });
    expect(runs()).toBe(before + 2);
  });
});

describe('saves go to the design they were made in', () => {
  it('writes an edit made before switching designs under the old design, with its own revision', async () => {
    const a = { ...design, name: 'Design A' };
    const b = { ...design, name: 'Design B' };
    await editor.settled();
    editor.load({ id: 'a', name: a.name, document: a, workload, revision: 5, updatedAt: '' });
    // A first save is in flight (held), a second edit waits behind it, then the window opens design B.
    let release = () => {};
    saveGate = new Promise((resolve) => (release = resolve));
    saves.length = 0;
    editor.run(setParams(['dram'], { bandwidthBytesPerSecond: 3e12 }, 'Set bandwidth'));
    await vi.waitFor(() => expect(saves).toHaveLength(1), { timeout: 2000 });
    editor.run(setParams(['dram'], { bandwidthBytesPerSecond: 4e12 }, 'Set bandwidth'));
    const lastOfA = editor.document;
    editor.load({ id: 'b', name: b.name, document: b, workload, revision: 9, updatedAt: '' });
    release();
    saveGate = Promise.resolve();
    await editor.settled();
    expect(saves.map(({ id, baseRevision }) => ({ id, baseRevision }))).toEqual([
      { id: 'a', baseRevision: 5 },
      { id: 'a', baseRevision: 6 },
    ]);
    expect(saves[1]?.document).toBe(lastOfA);
    // Design B goes on from its own revision.
    editor.run(setParams(['dram'], { bandwidthBytesPerSecond: 5e12 }, 'Set bandwidth'));
    await editor.settled();
    expect(saves.at(-1)).toMatchObject({ id: 'b', baseRevision: 9, document: { name: 'Design B' } });
  });

  it('keeps a save that failed and writes it on the next try; a conflict is not retried over the newer version', async () => {
    await editor.settled();
    editor.load({
      id: 'c',
      name: 'Design C',
      document: { ...design, name: 'Design C' },
      workload,
      revision: 3,
      updatedAt: '',
    });
    saves.length = 0;
    failNextSave = 'io';
    editor.run(setParams(['dram'], { bandwidthBytesPerSecond: 6e12 }, 'Set bandwidth'));
    const edited = editor.document;
    await editor.settled();
    expect(editor.saveState).toEqual({ kind: 'error', message: 'save failed (io)' });
    // Leaving the design (or the next edit) tries again, with the same document.
    await editor.settled();
    expect(saves.map(({ id, document }) => ({ id, document }))).toEqual([
      { id: 'c', document: edited },
      { id: 'c', document: edited },
    ]);
    expect(editor.saveState).toEqual({ kind: 'saved' });

    failNextSave = 'conflict';
    editor.run(setParams(['dram'], { bandwidthBytesPerSecond: 7e12 }, 'Set bandwidth'));
    await editor.settled();
    expect(editor.saveState).toMatchObject({ kind: 'error' });
    const count = saves.length;
    await editor.settled();
    expect(saves).toHaveLength(count);
  });
});

describe('a save the project file is too busy for', () => {
  it('stays pending, says the file is busy, is tried again with growing delays and written once the file is free', async () => {
    await editor.settled();
    editor.load({
      id: 'e',
      name: 'Design E',
      document: { ...design, name: 'Design E' },
      workload,
      revision: 2,
      updatedAt: '',
    });
    saves.length = 0;
    busySaves = 2;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      editor.run(setParams(['dram'], { bandwidthBytesPerSecond: 8e12 }, 'Set bandwidth'));
      const edited = editor.document;
      await vi.advanceTimersByTimeAsync(250);
      expect(saves).toHaveLength(1);
      expect(editor.saveState).toEqual({ kind: 'busy', message: 'The project file is busy.' });
      // Leaving the design does not wait for the other program, and does not drop the edit.
      await editor.settled();
      expect(saves).toHaveLength(1);

      // The first try again comes after a second; still busy, the next after two more.
      await vi.advanceTimersByTimeAsync(999);
      expect(saves).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(saves).toHaveLength(2);
      expect(editor.saveState.kind).toBe('busy');
      await vi.advanceTimersByTimeAsync(1999);
      expect(saves).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(1);

      // The file is free now: the same edit is written, from the same revision.
      expect(saves).toHaveLength(3);
      expect(saves.map(({ id, document, baseRevision }) => ({ id, document, baseRevision }))).toEqual(
        Array.from({ length: 3 }, () => ({ id: 'e', document: edited, baseRevision: 2 })),
      );
      expect(editor.saveState).toEqual({ kind: 'saved' });
      // Nothing more is tried once it is saved.
      await vi.advanceTimersByTimeAsync(60_000);
      expect(saves).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the selection', () => {
  it('keeps a selected group selected through an edit of it, and drops only what the edit removed', async () => {
    await editor.settled();
    editor.load({ id: 'g', name: 'Design G', document: design, workload, revision: 1, updatedAt: '' });
    const group = groupElements(['tile', 'dram']);
    const groupId = group.groupId(design);
    editor.run(group);
    editor.select([groupId]);
    editor.run(setGroup(groupId, { count: 4 }, 'Set group count'));
    expect(editor.document?.groups.find((candidate) => candidate.id === groupId)?.count).toBe(4);
    expect([...editor.selection]).toEqual([groupId]);

    editor.select([groupId, 'tile', 'dram']);
    editor.run(deleteElements(new Set(['tile']), new Set()));
    expect([...editor.selection].sort()).toEqual(['dram', groupId].sort());
    // Undoing the grouping removes the group, and with it its id from the selection.
    editor.undo();
    editor.undo();
    editor.undo();
    expect(editor.document?.groups).toEqual([]);
    expect([...editor.selection]).toEqual(['dram']);
    await editor.settled();
  });
});

describe('a design that cannot run keeps the last good results on show, marked stale', () => {
  it('keeps the last report while the design has errors, and replaces it once the design runs again', async () => {
    await editor.settled();
    editor.load({ id: 's', name: 'Stale', document: design, workload, revision: 1, updatedAt: '' });
    await vi.waitFor(() => expect(decodeOf()).toBeGreaterThan(0));
    const good = editor.report;
    expect(editor.resultsStale).toBe(false);

    // Deleting the only link leaves the tile linked to nothing: nothing can run the model.
    editor.run(deleteElements(new Set(), new Set(design.links.map((link) => link.id))));
    await vi.waitFor(() => expect(editor.diagnostics.some((item) => item.severity === 'error')).toBe(true));
    expect(editor.report).toBeNull();
    expect(editor.shownReport).toBe(good);
    expect(editor.resultsStale).toBe(true);
    expect(editor.diagnostics).toContainEqual(expect.objectContaining({ blockId: 'tile' }));

    editor.undo();
    await vi.waitFor(() => expect(editor.report).not.toBeNull());
    expect(editor.resultsStale).toBe(false);
    expect(editor.shownReport).toBe(editor.report);
    expect(editor.diagnostics.some((item) => item.severity === 'error')).toBe(false);
  });

  it('shows no stale results of another design', async () => {
    editor.run(deleteElements(new Set(), new Set(design.links.map((link) => link.id))));
    await vi.waitFor(() => expect(editor.resultsStale).toBe(true));
    const broken = editor.document!;
    await editor.settled();
    editor.load({ id: 't', name: 'Broken', document: broken, workload, revision: 1, updatedAt: '' });
    expect(editor.shownReport).toBeNull();
    expect(editor.resultsStale).toBe(false);
  });
});
