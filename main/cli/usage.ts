/**
 * The CLI's usage text, one command's part of it, and `parseArgs` with its complaints turned into usage errors:
 * shared by the dispatcher and the command modules (which the dispatcher loads only when their command runs).
 */
import { UsageError } from '../app/command-line';

export const usage = `usage: tessera <command> [options]

commands:
  new <file.tessera> [--preset ID]
                              create a project file, empty or with a design copied from a preset
  presets [--json]            list the architecture presets
  models [--json]             list the LLM models
  formats [--json]            list the number formats
  simulate --design <file.json | file.yaml | preset:ID | project.tessera#NAME> --model <ID | config.json>
           [--workload w.yaml | w.json] [--batch N] [--input N] [--output N]
           [--context N] [--weights F] [--activations F] [--kv F] [--tp N] [--pp N] [--ep N]
           [--tpot-target SECONDS] [--operating-point NAME] [--set ID.param=VALUE ...] [--json]
           [--runtime hardware|trt-llm|vllm|llama-cpp|ID] [--units fastest|least-energy|pinned:BLOCK]
           [--memory weights=auto|pin|stream[:BLOCK],kv=auto|pin|stream[:BLOCK],page=TOKENS,prefetch=on|off]
           [--sparsity none|2:4|4:8|unstructured[:DENSITY]]
           [--reconfiguration never|per-phase|auto]  (an FPGA with configurations: when it may switch)
           [--dvfs-policy fixed|adaptive|race-to-idle|least-energy|max-throughput] [--ttft-target SECONDS]
           [--requests-per-hour N]
           [--placement fastest|least-energy|by-class:attention=GROUP,ffn=GROUP|by-layers:0-39=GROUP,40-79=GROUP]
           [--placement-overlap double-buffered|serial]   (designs with several different chip groups)
           without --tp/--pp/--ep the split is searched; --tpot-target (e.g. 0.02 or "20 ms") ranks the
           splits within it first; --dvfs-policy least-energy meets --ttft-target and --tpot-target;
           --requests-per-hour gives energy per day and battery life; --workload reads a tessera.workload
           document (YAML or JSON) and the flags override it; a design from a project (read, never written)
           brings its saved workload; --model may be left out when the workload names one
  sweep --spec <sweep.yaml | sweep.json> --out <results.csv | .jsonl | .parquet>
        [--design <preset:ID | file.json | file.yaml | project.tessera#NAME>] [--workload w.yaml]
        [--shard I/N] [--progress] [--pareto] [--workers N]
           evaluate every point of a sweep (grid, random, latin-hypercube or nsga2) and write one row per
           point, on N engine processes (--workers 0: in this process; default: in this process below 2,000
           points, else one engine process per core);
           --design overrides the spec's "design:"; --shard I/N evaluates the points whose index mod N is I-1
           (not nsga2, whose generations need the ones before);
           --pareto writes only the Pareto front of the feasible points; --progress prints count, rate and
           ETA to stderr; a bad spec exits 2 and writes nothing
  sweep merge <part.jsonl ...> --out <all.csv | .jsonl | .parquet> [--pareto [--spec sweep.yaml]]
           merge the shards' JSONL files by index: the same output as one unsharded run; --spec gives
           --pareto the spec's objectives (default: decode tokens/s up, energy per token down)
  serve --design <preset:ID | file.json | file.yaml | project.tessera#NAME> --scenario <s.yaml | s.json>
        [--rate R | --rates LIST] [--json] [--progress]
           simulate the scenario's requests (a tessera.workload document with serving:) on the design:
           continuous batching, every step costed by the engine; prints req/s, tok/s, TTFT and TPOT
           p50/p99 and goodput; --rate R replaces the traffic's rate (requests/s); --rates gives a
           latency-rate curve with its knee and the largest rate within the SLO: 1,2,4,8 or 1..64
           (doublings) or 1..64:12 (12 log-spaced rates); --json prints the ServingReport; a trace
           traffic may name its trace with file: (relative to the scenario); bad input exits 2, a
           failed simulation 1
  import-model <config.json> --id <id> [--name NAME] [--out FILE] [--project FILE.tessera]
  export --project FILE.tessera --design NAME|ID --format FORMAT --out FILE|FOLDER [--force]
           FORMAT: yaml, json, schema, svg, html, md, csv, trace, timeloop, llmcompass
  import --project FILE.tessera <file> [--name NAME] [--model-id ID]
           a design (.json, .yaml, or an .svg/.png exported by Tessera) or a Hugging Face config.json
  validate [--out FILE] [--json]
  bench [--json] [--quick]

\`tessera <command> --help\` shows one command's usage.
`;

export const commands = [
  'new',
  'presets',
  'models',
  'formats',
  'simulate',
  'sweep',
  'serve',
  'import-model',
  'export',
  'import',
  'validate',
  'bench',
];

/** One command's lines of the usage text: its own line and the indented lines under it. */
export function commandUsage(command: string): string {
  const lines = usage.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`  ${command} `) || line === `  ${command}`);
  if (start < 0) return usage;
  const end = lines.findIndex(
    (line, index) => index > start && !/^ {4,}/.test(line) && !line.startsWith(`  ${command} `),
  );
  return `usage: tessera ${lines
    .slice(start, end)
    .map((line) => line.slice(2))
    .join('\n')}\n`;
}

/** Runs `parseArgs`, turning its complaints into a usage message. */
export function parsedArgs<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${usage}`);
  }
}
