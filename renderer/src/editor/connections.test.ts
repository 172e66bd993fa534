import { describe, expect, it } from 'vitest';
import { testCatalog, testDesign } from '../../../engine/testing/fixtures';
import { canConnect, connectionProblem, type ConnectionAttempt } from './connections';

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
