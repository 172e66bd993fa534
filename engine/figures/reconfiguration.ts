/**
 * A reconfigurable fabric's configurations as a table — what each uses, how long it takes to load, its prefill and
 * decode times, and which phase runs in it — one set of cells for the command line, the exported reports and the
 * app's Reconfiguration tab.
 */
import type { ConfigurationReport, ReconfigurationReport } from '../report';
import { formatQuantity } from '../units';
import { formatCount } from './format';

export const RECONFIGURATION_HEADERS = [
  'Configuration',
  'Accelerates',
  'DSP',
  'LUT',
  'BRAM',
  'URAM',
  'Clock',
  'Load',
  'Prefill',
  'Decode step',
  'Runs',
] as const;

export const RECONFIGURATION_ALIGN = [
  'left',
  'left',
  'right',
  'right',
  'right',
  'right',
  'right',
  'right',
  'right',
  'right',
  'left',
] as const;

function phases(section: ReconfigurationReport, entry: ConfigurationReport): string {
  if (entry.refused) return 'refused: over the fabric’s resources';
  const runs = [
    ...(section.prefillConfiguration === entry.name ? ['prefill'] : []),
    ...(section.decodeConfiguration === entry.name ? ['decode'] : []),
  ];
  return runs.join(', ') || '—';
}

/** One row per configuration, in the order of `RECONFIGURATION_HEADERS`. */
export function reconfigurationRows(section: ReconfigurationReport): string[][] {
  const q = formatQuantity;
  const time = (seconds: number | undefined): string => (seconds === undefined ? '—' : q(seconds, 'seconds'));
  return section.configurations.map((entry) => [
    entry.name,
    entry.accelerates.join(', ') || '—',
    formatCount(entry.dspSlices),
    formatCount(entry.luts),
    formatCount(entry.bramBlocks),
    formatCount(entry.uramBlocks),
    q(entry.clockHertz, 'hertz'),
    time(entry.loadSeconds),
    time(entry.prefillSeconds),
    time(entry.decodeSecondsPerStep),
    phases(section, entry),
  ]);
}

/** The choice and its cost in one sentence, before the answer: "Prefill in 'a', decode in 'b'; …". */
export function reconfigurationSummary(section: ReconfigurationReport): string {
  const q = formatQuantity;
  const loads =
    section.loadsPerRequest === 0
      ? 'no loading per request'
      : `${section.loadsPerRequest} loads per request, ${q(section.reconfigurationSeconds, 'seconds')} and ${q(section.reconfigurationEnergyJoules, 'joules')}`;
  return `${section.blockName}, policy ${section.policy}, ${formatCount(section.outputTokens)} output tokens: prefill in '${section.prefillConfiguration}', decode in '${section.decodeConfiguration}'; ${loads} (configuration port ${q(section.configurationPortBytesPerSecond, 'bytesPerSecond')}).`;
}
