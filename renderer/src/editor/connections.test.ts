import { describe, expect, it } from 'vitest';
import type { PortSpec } from '../../../engine/schema/block-type';
import { testCatalog, testDesign } from '../../../engine/testing/fixtures';
import {
  canConnect,
  compatibleBlockTypes,
  connectionProblem,
  portOf,
  type ConnectionAttempt,
} from './connections';

const { blockTypes } = testCatalog();
// Two compute tiles and a memory: a compute port links to memory, never to another compute port.
const design = testDesign(
  { a: { type: 'test.array' }, b: { type: 'test.array' }, sram: { type: 'test.sram' } },
  [],
);
const attempt = (fromBlock: string, fromPort: string | null, toBlock: string, toPort: string | null) =>
  ({ fromBlock, fromPort, toBlock, toPort }) satisfies ConnectionAttempt;

describe('linking two ports on the canvas', () => {
  it('takes a link between ports that connect, either way round', () => {
    expect(canConnect(design, blockTypes, attempt('a', 'mem', 'sram', 'port'))).toBe(true);
    expect(canConnect(design, blockTypes, attempt('sram', 'port', 'a', 'mem'))).toBe(true);
    expect(connectionProblem(design, blockTypes, attempt('a', 'mem', 'sram', 'port'))).toBeNull();
  });

  it('refuses a link between ports that do not connect, and says which kinds each port takes', () => {
    expect(canConnect(design, blockTypes, attempt('a', 'mem', 'b', 'mem'))).toBe(false);
    const problem = connectionProblem(design, blockTypes, attempt('a', 'mem', 'b', 'mem'));
    expect(problem).toContain('compute port "Memory"');
    expect(problem).toContain('connects only to memory, fabric, stream');
  });

  it('refuses a block linked to itself, and says so', () => {
    expect(canConnect(design, blockTypes, attempt('sram', 'port', 'sram', 'port'))).toBe(false);
    expect(connectionProblem(design, blockTypes, attempt('sram', 'port', 'sram', 'port'))).toBe(
      'A block cannot be linked to itself.',
    );
  });

  it('refuses an end that is not a known port, with nothing to say while the pointer is over no port', () => {
    for (const unknown of [attempt('a', null, 'sram', 'port'), attempt('a', 'mem', 'gone', 'port')]) {
      expect(canConnect(design, blockTypes, unknown)).toBe(false);
      expect(connectionProblem(design, blockTypes, unknown)).toBeNull();
    }
  });
});

describe('block types offered for a link dragged into empty space', () => {
  it('lists the types with a port that connects to the dragged one, with that port', () => {
    const types = [...blockTypes.values()];
    const memoryPort = portOf(design, blockTypes, 'sram', 'port');
    const computePort = portOf(design, blockTypes, 'a', 'mem');
    if (!memoryPort || !computePort) throw new Error('the test catalog changed');
    const forMemory = compatibleBlockTypes(types, memoryPort);
    const forCompute = compatibleBlockTypes(types, computePort);
    // Every type offered can take the link; every type left out cannot.
    for (const type of types) {
      const offered = forCompute.find((entry) => entry.type.id === type.id);
      expect(offered !== undefined).toBe(type.ports.some((port) => canLink(computePort, port)));
      if (offered) expect(canLink(computePort, offered.port)).toBe(true);
    }
    expect(forCompute.map((entry) => entry.type.id)).toContain('test.sram');
    expect(forCompute.map((entry) => entry.type.id)).not.toContain('test.array');
    expect(forMemory.map((entry) => entry.type.id)).toContain('test.array');
    // Listed by the order of the kinds the dragged port names: what it links to first comes first.
    const ranks = forCompute.map((entry) => computePort.connects.indexOf(entry.port.kind));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it('finds no port on a block or port that is not there', () => {
    expect(portOf(design, blockTypes, 'gone', 'port')).toBeUndefined();
    expect(portOf(design, blockTypes, 'a', 'nothing')).toBeUndefined();
  });
});

function canLink(from: PortSpec, to: PortSpec): boolean {
  return from.connects.includes(to.kind) && to.connects.includes(from.kind);
}
