import { describe, expect, it } from 'vitest';
import azureSample from '../../docs/examples/traces/azure-llm-sample.csv?raw';
import burstSample from '../../docs/examples/traces/burstgpt-sample.csv?raw';
import jsonlSample from '../../docs/examples/traces/requests-sample.jsonl?raw';
import { defaultServing, MAX_SERVING_REQUESTS, trafficSchema } from '../schema/serving';
import { defaultWorkload, type Workload } from '../schema/workload';
import { readWorkloadText, writeWorkloadText } from '../spec/workload-text';
import { maxTraceProblems, readTrace, type TraceReading } from './trace';

type Read = Extract<TraceReading, { ok: true }>;

function read(text: string, fileName: string): Read {
  const result = readTrace(text, fileName);
  if (!result.ok) throw new Error(`not read: ${result.problems.join('\n')}`);
  return result;
}

function problems(text: string, fileName = 'trace.csv'): string[] {
  const result = readTrace(text, fileName);
  if (result.ok) throw new Error('expected problems, the trace was read');
  return result.problems;
}

/** The data lines of a sample, split into fields. */
function dataRows(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
}

describe('readTrace on the sample traces in docs/examples/traces', () => {
  it('reads the Azure LLM inference trace layout: date-times to seconds from the first request, 100 ns kept', () => {
    const result = read(azureSample, 'docs/examples/traces/azure-llm-sample.csv');
    const rows = dataRows(azureSample);
    // Every sample row is on 2024-05-12: seconds of the day from the clock time, the fraction kept apart.
    const secondsOfDay = (stamp: string) => {
      const [clock = ''] = stamp.split(' ').slice(1);
      const [hours = '', minutes = '', seconds = ''] = clock.split(':');
      const [whole = '', fraction = '0'] = seconds.split('.');
      return {
        whole: Number(hours) * 3600 + Number(minutes) * 60 + Number(whole),
        fraction: Number(`0.${fraction}`),
      };
    };
    const first = secondsOfDay(rows[0]?.[0] ?? '');
    expect(result).toMatchObject({ ok: true, format: 'azure', rows: rows.length, skipped: 0, notes: [] });
    expect(result.traffic.name).toBe('azure-llm-sample.csv');
    rows.forEach(([stamp = '', context, generated], index) => {
      const time = secondsOfDay(stamp);
      expect(result.traffic.arrivalsSeconds[index]).toBeCloseTo(
        time.whole - first.whole + (time.fraction - first.fraction),
        9,
      );
      expect(result.traffic.inputTokens[index]).toBe(Number(context));
      expect(result.traffic.outputTokens[index]).toBe(Number(generated));
    });
    expect(trafficSchema.safeParse(result.traffic).success).toBe(true);
  });

  it('reads BurstGPT: seconds as given, failed requests (0 response tokens) skipped and counted', () => {
    const result = read(burstSample, 'burstgpt-sample.csv');
    const rows = dataRows(burstSample);
    const kept = rows.filter((row) => row[3] !== '0' && row[2] !== '0');
    const failed = rows.filter((row) => row[3] === '0').length;
    expect(failed).toBeGreaterThan(0);
    expect(result).toMatchObject({
      format: 'burstgpt',
      rows: kept.length,
      skipped: rows.length - kept.length,
    });
    expect(result.notes).toEqual([`${failed} failed requests were skipped (0 output tokens).`]);
    const start = Number(kept[0]?.[0]);
    expect(result.traffic.arrivalsSeconds).toEqual(kept.map((row) => Number(row[0]) - start));
    expect(result.traffic.inputTokens).toEqual(kept.map((row) => Number(row[2])));
    expect(result.traffic.outputTokens).toEqual(kept.map((row) => Number(row[3])));
  });

  it('reads JSON Lines with the documented synonyms, and sorts rows out of time order (saying so)', () => {
    const result = read(jsonlSample, 'requests-sample.jsonl');
    const records = jsonlSample
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, number>)
      .map((record) => ({
        arrival: record.arrival ?? record.timestamp ?? NaN,
        input: record.input_tokens ?? record.prompt_tokens ?? NaN,
        output: record.output_tokens ?? record.completion_tokens ?? NaN,
      }))
      .sort((first, second) => first.arrival - second.arrival);
    expect(result).toMatchObject({ format: 'jsonl', rows: records.length, skipped: 0 });
    expect(result.notes).toEqual(['The rows were not in time order; they were sorted by arrival time.']);
    const start = records[0]?.arrival ?? 0;
    records.forEach((record, index) => {
      expect(result.traffic.arrivalsSeconds[index]).toBeCloseTo(record.arrival - start, 12);
      expect(result.traffic.inputTokens[index]).toBe(record.input);
      expect(result.traffic.outputTokens[index]).toBe(record.output);
    });
  });

  it('gives a traffic that a workload document writes and reads back exactly', () => {
    const { traffic } = read(azureSample, 'azure-llm-sample.csv');
    const workload: Workload = {
      ...defaultWorkload('llama-3-8b'),
      serving: {
        ...defaultServing(),
        traffic,
        input: { kind: 'trace' },
        output: { kind: 'trace' },
        requests: 36,
      },
    };
    expect(readWorkloadText(writeWorkloadText(workload))).toStrictEqual({ ok: true, workload });
  });
});

describe('readTrace details', () => {
  it('counts a date-time across midnight and a time zone', () => {
    const text = [
      'TIMESTAMP,ContextTokens,GeneratedTokens',
      '2023-11-16 23:59:59.9000000,10,2',
      '2023-11-17 00:00:00.1000000,20,3',
      '2023-11-17T01:00:00.1000000+01:00,30,4',
    ].join('\r\n');
    expect(read(text, 'a.csv').traffic.arrivalsSeconds).toEqual([
      0,
      expect.closeTo(0.2, 12),
      expect.closeTo(0.2, 12),
    ]);
  });

  it('keeps the file order of requests at the same time, and finds columns by name in any order', () => {
    const text =
      'Log Type,Response tokens,Timestamp,Model,Request tokens,Total tokens\nAPI log,5,10,GPT-4,7,12\nAPI log,6,10,GPT-4,8,14\nAPI log,1,4,GPT-4,9,10\n';
    const result = read(text, 'b.csv');
    expect(result.traffic).toMatchObject({
      arrivalsSeconds: [0, 6, 6],
      inputTokens: [9, 7, 8],
      outputTokens: [1, 5, 6],
    });
  });

  it('reads at most MAX_SERVING_REQUESTS requests and says how many rows were left out', () => {
    const extra = 3;
    const lines = ['Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type'];
    for (let index = 0; index < MAX_SERVING_REQUESTS + extra; index += 1)
      lines.push(`${index},ChatGPT,10,5,15,API log`);
    const result = read(lines.join('\n'), 'big.csv');
    expect(result.rows).toBe(MAX_SERVING_REQUESTS);
    expect(result.traffic.arrivalsSeconds.at(-1)).toBe(MAX_SERVING_REQUESTS - 1);
    expect(result.notes).toEqual([
      `The trace has ${(MAX_SERVING_REQUESTS + extra).toLocaleString('en-US')} rows; only the first ${MAX_SERVING_REQUESTS.toLocaleString('en-US')} requests are read (the simulator's limit), ${extra} rows after them are left out.`,
    ]);
  });
});

describe('readTrace refuses what it cannot replay, saying where', () => {
  it('names the missing column of a known layout', () => {
    expect(problems('TIMESTAMP,ContextTokens\n2023-11-16 18:15:46.6805900,10\n')).toEqual([
      "trace.csv line 1: the header is an Azure LLM inference trace's without the column GeneratedTokens (expected TIMESTAMP, ContextTokens, GeneratedTokens)",
    ]);
    expect(problems('Timestamp,Model,Request tokens,Total tokens\n1,GPT-4,3,4\n')[0]).toContain(
      'without the column Response tokens',
    );
  });

  it('refuses a header it does not know', () => {
    expect(problems('time,prompt,answer\n1,2,3\n')[0]).toMatch(
      /^trace\.csv line 1: the first line is not a header this reader knows/,
    );
  });

  it('gives each bad row its line: negative, non-numeric, short', () => {
    const text = [
      'Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type',
      '1,ChatGPT,-4,5,1,API log',
      '2,ChatGPT,ten,5,15,API log',
      '',
      'soon,ChatGPT,10,5,15,API log',
      '3,ChatGPT,10',
      '4,ChatGPT,10.5,5,15,API log',
    ].join('\n');
    expect(problems(text, 'burst.csv')).toEqual([
      'burst.csv line 2: Request tokens -4 is negative',
      'burst.csv line 3: Request tokens "ten" is not a whole number of tokens',
      'burst.csv line 5: Timestamp "soon" is not a number of seconds',
      'burst.csv line 6: 3 fields, the header has 6',
      'burst.csv line 7: Request tokens "10.5" is not a whole number of tokens',
    ]);
  });

  it('gives JSON Lines problems their line', () => {
    const text = [
      '{"arrival": 0, "input_tokens": 3, "output_tokens": 2}',
      '{"arrival": 1, "input_tokens": 3}',
      'not json',
      '[1, 2]',
      '{"arrival": -1, "input_tokens": 3, "output_tokens": 2}',
    ].join('\n');
    expect(problems(text, 'r.jsonl')).toEqual([
      'r.jsonl line 2: no output length ("output_tokens", "completion_tokens", "generated_tokens")',
      'r.jsonl line 3: not a JSON object (each line of JSON Lines is one request, { "arrival": …, "input_tokens": …, "output_tokens": … })',
      'r.jsonl line 4: not a JSON object',
      'r.jsonl line 5: "arrival" "-1" is negative: a time is seconds from the trace\'s start',
    ]);
  });

  it('refuses an empty file, a header alone, only failures, and binary data', () => {
    expect(problems('')).toEqual(['trace.csv is empty: a trace has a header line and one line per request']);
    expect(problems('\n  \n')).toEqual([
      'trace.csv is empty: a trace has a header line and one line per request',
    ]);
    expect(problems('TIMESTAMP,ContextTokens,GeneratedTokens\n')).toEqual([
      'trace.csv has a header but no requests',
    ]);
    expect(
      problems(
        'Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n1,GPT-4,0,0,0,API log\n',
      )[0],
    ).toMatch(/has no request to replay: all 1 rows are failed requests/);
    const garbage = String.fromCharCode(...Array.from({ length: 512 }, (_, index) => (index * 7919) % 256));
    expect(problems(garbage, 'model.bin')).toEqual([
      'model.bin is not a text file (it holds binary data): a trace is CSV or JSON Lines',
    ]);
  });

  it('lists at most 100 problems and says how many more there are', () => {
    const lines = ['TIMESTAMP,ContextTokens,GeneratedTokens'];
    for (let index = 0; index < 150; index += 1) lines.push('yesterday,1,1');
    const listed = problems(lines.join('\n'));
    expect(listed).toHaveLength(maxTraceProblems + 1);
    expect(listed.at(-1)).toBe('trace.csv … and 50 more problems');
  });
});
