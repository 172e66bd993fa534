/**
 * `tessera simulate`, run in-process on the library: each headline figure with its error band, in the text
 * and in `--json` (`…Range`), and a model that does not fit said first.
 */
import { describe, expect, it } from 'vitest';
import { formatBandPercent } from '../../engine/figures/bands';
import type { FigureRange, Report } from '../../engine/report';
import { formatQuantity } from '../../engine/units';
import { runCli } from './commands';

async function cli(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const code = await runCli(args, { stdout: (text) => (stdout += text), stderr: () => undefined });
  return { code, stdout };
}

const h100 = ['simulate', '--design', 'preset:nvidia-h100-sxm'];

describe('tessera simulate', () => {
  it('--json puts each figure’s band beside it as …Range, the same as report.ranges', async () => {
    const { code, stdout } = await cli([...h100, '--model', 'llama-3-8b', '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as Report & {
      decode: { tokensPerSecondRange: FigureRange };
      request: { ttftSecondsRange: FigureRange; tpotSecondsRange: FigureRange };
    };
    expect(json.decode.tokensPerSecondRange).toEqual(json.ranges?.decodeTokensPerSecond);
    expect(json.decode.tokensPerSecondRange.value).toBe(json.decode.tokensPerSecond);
    expect(json.decode.tokensPerSecondRange.basis).toMatch(/published H100 rows/);
    expect(json.request.ttftSecondsRange.value).toBe(json.request.ttftSeconds);
    expect(json.request.tpotSecondsRange.value).toBe(json.request.tpotSeconds);
  });

  it('prints the band next to each headline figure, and where it comes from', async () => {
    const json = JSON.parse((await cli([...h100, '--model', 'llama-3-8b', '--json'])).stdout) as Report;
    const { stdout } = await cli([...h100, '--model', 'llama-3-8b']);
    const decode = json.ranges?.decodeTokensPerSecond;
    // Bands under 10 % print with one decimal (formatBandPercent), so the expectation formats the same way.
    const percent = formatBandPercent(decode?.errorPercent ?? Number.NaN);
    expect(stdout).toContain(`${formatQuantity(json.decode.tokensPerSecond, 'tokensPerSecond')} ±${percent}`);
    expect(stdout).toContain(`decode tokens/s: ${decode?.basis ?? 'missing'}`);
    expect(stdout).not.toContain('DOES NOT FIT');
  });

  it('says first that a model does not fit', async () => {
    // Llama 3 70B in BF16 is 2 bytes × about 70.6 billion parameters = about 141 GB, over one H100's 80 GB.
    const { stdout } = await cli([...h100, '--model', 'llama-3-70b']);
    const lines = stdout.split('\n');
    const firstFigure = lines.findIndex((line) => line.startsWith('time '));
    const warning = lines.findIndex((line) => line.startsWith('DOES NOT FIT'));
    expect(warning).toBeGreaterThan(0);
    expect(warning).toBeLessThan(firstFigure);
  });
});
