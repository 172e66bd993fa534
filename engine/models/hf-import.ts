/**
 * Reads a Hugging Face `config.json` into a Tessera model entry: the architecture facts, with each family's
 * field names and the defaults its `transformers` config class applies, validated against `modelSchema`.
 *
 * The config is untrusted data. The importer never throws for any JSON value; it names every missing or
 * invalid field by its config.json name, so a person can fix the file they have in front of them.
 */
import { z } from 'zod';
import { libraryIdSchema, parseWith, type ValidationProblem } from '../schema/common';
import { modelSchema, type ModelArchitecture, type ModelConfig } from '../schema/model';

/** The `model_type` values the importer reads. */
export const supportedModelTypes = [
  'llama',
  'mistral',
  'mixtral',
  'qwen2',
  'qwen3_moe',
  'gemma2',
  'phi3',
  'gpt2',
  'gptj',
  'deepseek_v3',
] as const;
export type SupportedModelType = (typeof supportedModelTypes)[number];

/** What the config itself does not say: the library id to give the model, its display name, and its URL. */
export interface HfImportOptions {
  /** Library id of the new entry (kebab-case, e.g. `llama-3-8b`). */
  id: string;
  /** Display name; the id when omitted. */
  name?: string;
  /** Where the config.json came from, e.g. its Hugging Face URL. */
  sourceUrl?: string;
}

/** The model entry, or every problem found, each with the config.json field (or option) it concerns. */
export type HfImportResult = { ok: true; value: ModelConfig } | { ok: false; problems: ValidationProblem[] };

/** Model classes named in `architectures`, for configs that lack `model_type`. */
const modelTypeOfClass: Readonly<Record<string, SupportedModelType>> = {
  LlamaForCausalLM: 'llama',
  MistralForCausalLM: 'mistral',
  MixtralForCausalLM: 'mixtral',
  Qwen2ForCausalLM: 'qwen2',
  Qwen3MoeForCausalLM: 'qwen3_moe',
  Gemma2ForCausalLM: 'gemma2',
  Phi3ForCausalLM: 'phi3',
  GPT2LMHeadModel: 'gpt2',
  GPTJForCausalLM: 'gptj',
  DeepseekV3ForCausalLM: 'deepseek_v3',
};

const familyNames: Readonly<Record<SupportedModelType, string>> = {
  llama: 'Llama',
  mistral: 'Mistral',
  mixtral: 'Mixtral',
  qwen2: 'Qwen2',
  qwen3_moe: 'Qwen3 MoE',
  gemma2: 'Gemma 2',
  phi3: 'Phi-3',
  gpt2: 'GPT-2',
  gptj: 'GPT-J',
  deepseek_v3: 'DeepSeek-V3',
};

/** `transformers` activation names (ACT2FN) and the function each computes. */
const activations: Readonly<Record<string, ModelArchitecture['activation']>> = {
  silu: 'silu',
  swish: 'silu',
  gelu: 'gelu',
  gelu_new: 'gelu-tanh',
  gelu_fast: 'gelu-tanh',
  gelu_pytorch_tanh: 'gelu-tanh',
  relu: 'relu',
  relu2: 'relu2',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as a message shows it: strings quoted (and shortened), containers by kind. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

/**
 * Reads fields of one config and collects a problem for each that is missing or invalid. A read that fails
 * returns a placeholder (0 for counts) after recording its problem; the caller builds the architecture only
 * when no problem was recorded, so placeholders never reach a result.
 */
class ConfigReader {
  readonly problems: ValidationProblem[] = [];
  private readonly readKeys = new Set<string>();

  constructor(private readonly config: Readonly<Record<string, unknown>>) {}

  /** The raw value, or `undefined` when the config lacks the key (inherited properties do not count). */
  value(key: string): unknown {
    this.readKeys.add(key);
    return Object.hasOwn(this.config, key) ? this.config[key] : undefined;
  }

  problem(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  private checkWhole(key: string, value: unknown, minimum: 0 | 1): number {
    if (typeof value === 'number' && Number.isInteger(value) && value >= minimum) {
      if (Number.isSafeInteger(value)) return value;
      this.problem(key, `is too large (at most ${Number.MAX_SAFE_INTEGER}), got ${describe(value)}`);
      return 0;
    }
    const kind = minimum === 1 ? 'a positive whole number' : 'a whole number, 0 or more';
    this.problem(key, `must be ${kind}, got ${describe(value)}`);
    return 0;
  }

  /** A required whole number ≥ 1. */
  count(key: string): number {
    const value = this.value(key);
    if (value === undefined) {
      this.problem(key, 'missing');
      return 0;
    }
    return this.checkWhole(key, value, 1);
  }

  /** A whole number ≥ 1 that may be absent or null (then `fallback`, which the caller derives). */
  optionalCount(key: string): number | undefined {
    const value = this.value(key);
    if (value === undefined || value === null) return undefined;
    return this.checkWhole(key, value, 1);
  }

  /** A required whole number ≥ 0, where null (as DeepSeek writes "none") means 0. */
  wholeOrNull(key: string): number {
    const value = this.value(key);
    if (value === undefined) {
      this.problem(key, 'missing');
      return 0;
    }
    return value === null ? 0 : this.checkWhole(key, value, 0);
  }

  /** A boolean that falls back to the config class's default when absent or null. */
  boolean(key: string, fallback: boolean): boolean {
    const value = this.value(key);
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'boolean') return value;
    this.problem(key, `must be true or false, got ${describe(value)}`);
    return fallback;
  }

  /** A string that falls back to the config class's default when absent or null; `undefined` if invalid. */
  text(key: string, fallback: string): string | undefined {
    const value = this.value(key);
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'string') return value;
    this.problem(key, `must be a string, got ${describe(value)}`);
    return undefined;
  }

  /** The fields the importer read that the config holds, verbatim and in the config's order. */
  readFields(): Record<string, unknown> {
    const fields: Record<string, unknown> = {};
    for (const key of Object.keys(this.config)) if (this.readKeys.has(key)) fields[key] = this.config[key];
    return fields;
  }
}

function readModelType(reader: ConfigReader): SupportedModelType | undefined {
  const modelType = reader.value('model_type');
  const classes = reader.value('architectures');
  const supported = supportedModelTypes.join(', ');
  if (typeof modelType === 'string') {
    const found = supportedModelTypes.find((type) => type === modelType);
    if (found === undefined)
      reader.problem(
        'model_type',
        `${describe(modelType)} is not a supported family (supported: ${supported})`,
      );
    return found;
  }
  if (modelType !== undefined && modelType !== null) {
    reader.problem('model_type', `must be a string, got ${describe(modelType)}`);
    return undefined;
  }
  if (Array.isArray(classes)) {
    const first: unknown = classes[0];
    if (typeof first === 'string' && Object.hasOwn(modelTypeOfClass, first)) return modelTypeOfClass[first];
  }
  reader.problem(
    'model_type',
    `missing, and architectures names no supported model class (supported model types: ${supported})`,
  );
  return undefined;
}

function readActivation(
  reader: ConfigReader,
  key: string,
  fallback: string,
): ModelArchitecture['activation'] {
  const name = reader.text(key, fallback);
  if (name === undefined) return 'silu';
  const activation = Object.hasOwn(activations, name) ? activations[name] : undefined;
  if (activation !== undefined) return activation;
  reader.problem(
    key,
    `${describe(name)} is not a supported activation (supported: ${Object.keys(activations).join(', ')})`,
  );
  return 'silu';
}

/** An architecture read from a config, and the config.json name of each architecture field it came from. */
interface Draft {
  architecture: ModelArchitecture;
  fieldNames: Readonly<Record<string, string>>;
}

function attentionKind(heads: number, kvHeads: number): ModelArchitecture['attention'] {
  if (kvHeads === heads) return 'mha';
  return kvHeads === 1 ? 'mqa' : 'gqa';
}

/** Checks that hold between fields, reported on the field a person would change. */
function checkHeads(reader: ConfigReader, heads: number, kvHeads: number, kvKey: string, headsKey: string) {
  if (heads > 0 && kvHeads > 0 && heads % kvHeads !== 0)
    reader.problem(kvKey, `must divide ${headsKey} (${heads}), got ${kvHeads}`);
}

function derivedHeadDim(
  reader: ConfigReader,
  hidden: number,
  heads: number,
  names: [string, string, string],
) {
  const [headDimKey, hiddenKey, headsKey] = names;
  if (hidden === 0 || heads === 0) return 0;
  if (hidden % heads === 0) return hidden / heads;
  reader.problem(
    headDimKey,
    `missing, and ${hiddenKey} (${hidden}) is not a multiple of ${headsKey} (${heads}) to derive it from`,
  );
  return 0;
}

/** The GPT-2 lineage (gpt2, gptj): `n_layer`, `n_embd`, `n_head`, `n_inner`, `n_positions`. */
function readGptFamily(reader: ConfigReader, modelType: 'gpt2' | 'gptj'): Draft {
  const layers = reader.count('n_layer');
  const hiddenSize = reader.count('n_embd');
  const heads = reader.count('n_head');
  // GPT2Config and GPTJConfig: n_inner None means 4 × n_embd.
  const intermediateSize = reader.optionalCount('n_inner') ?? 4 * hiddenSize;
  const vocabSize = reader.count('vocab_size');
  const maxContext = reader.count('n_positions');
  const activation = readActivation(reader, 'activation_function', 'gelu_new');
  // GPT-2 ties its LM head to the token table (PretrainedConfig's default); GPTJConfig defaults to untied.
  const tiedEmbeddings = reader.boolean('tie_word_embeddings', modelType === 'gpt2');
  const headDim = derivedHeadDim(reader, hiddenSize, heads, ['n_embd', 'n_embd', 'n_head']);
  if (modelType === 'gptj') {
    const rotaryDim = reader.optionalCount('rotary_dim');
    if (rotaryDim !== undefined && rotaryDim > 0 && headDim > 0 && rotaryDim > headDim)
      reader.problem(
        'rotary_dim',
        `cannot exceed the head dimension n_embd / n_head (${headDim}), got ${rotaryDim}`,
      );
  }
  const architecture: ModelArchitecture = {
    layers,
    hiddenSize,
    heads,
    kvHeads: heads,
    headDim,
    intermediateSize,
    gatedFfn: false,
    activation,
    vocabSize,
    tiedEmbeddings,
    maxContext,
    normalization: 'layernorm',
    positional: modelType === 'gpt2' ? 'learned' : 'rope',
    attention: 'mha',
    ...(modelType === 'gpt2' ? { attentionBias: true } : { parallelAttentionFfn: true }),
  };
  return {
    architecture,
    fieldNames: {
      layers: 'n_layer',
      hiddenSize: 'n_embd',
      heads: 'n_head',
      kvHeads: 'n_head',
      headDim: 'n_embd',
      intermediateSize: 'n_inner',
      vocabSize: 'vocab_size',
      maxContext: 'n_positions',
      activation: 'activation_function',
      tiedEmbeddings: 'tie_word_embeddings',
    },
  };
}

/** Decoder families that use the Llama field names (`num_hidden_layers`, `hidden_size`, …). */
function readDecoderFamily(
  reader: ConfigReader,
  modelType: Exclude<SupportedModelType, 'gpt2' | 'gptj'>,
): Draft {
  const fieldNames: Record<string, string> = {
    layers: 'num_hidden_layers',
    hiddenSize: 'hidden_size',
    heads: 'num_attention_heads',
    kvHeads: 'num_key_value_heads',
    headDim: 'head_dim',
    intermediateSize: 'intermediate_size',
    vocabSize: 'vocab_size',
    maxContext: 'max_position_embeddings',
    activation: 'hidden_act',
    tiedEmbeddings: 'tie_word_embeddings',
  };
  const layers = reader.count('num_hidden_layers');
  const hiddenSize = reader.count('hidden_size');
  const heads = reader.count('num_attention_heads');
  const intermediateSize = reader.count('intermediate_size');
  const vocabSize = reader.count('vocab_size');
  const maxContext = reader.count('max_position_embeddings');
  // Gemma 2's MLP reads `hidden_activation` (its config.json also carries `hidden_act`); the others read
  // `hidden_act`.
  const activationKey = modelType === 'gemma2' ? 'hidden_activation' : 'hidden_act';
  const activation = readActivation(
    reader,
    activationKey,
    modelType === 'gemma2' ? 'gelu_pytorch_tanh' : 'silu',
  );
  fieldNames.activation = activationKey;
  // Of these config classes only Gemma2Config ties the LM head by default.
  const tiedEmbeddings = reader.boolean('tie_word_embeddings', modelType === 'gemma2');

  const base = {
    layers,
    hiddenSize,
    heads,
    intermediateSize,
    gatedFfn: true,
    activation,
    vocabSize,
    tiedEmbeddings,
    maxContext,
    normalization: 'rmsnorm' as const,
    positional: 'rope' as const,
  };

  if (modelType === 'deepseek_v3') return readDeepSeekV3(reader, base, fieldNames);

  const kvHeads = reader.optionalCount('num_key_value_heads') ?? heads;
  checkHeads(reader, heads, kvHeads, 'num_key_value_heads', 'num_attention_heads');
  // Gemma2Config defaults head_dim to 256 rather than deriving it.
  const headDim =
    reader.optionalCount('head_dim') ??
    (modelType === 'gemma2'
      ? 256
      : derivedHeadDim(reader, hiddenSize, heads, ['head_dim', 'hidden_size', 'num_attention_heads']));

  const architecture: ModelArchitecture = {
    ...base,
    kvHeads,
    headDim,
    attention: attentionKind(heads, kvHeads),
  };

  // Qwen2 biases q, k and v unconditionally; Llama, Qwen3 MoE and Gemma 2 say so in attention_bias.
  // Mistral, Mixtral and Phi-3 have no bias.
  const attentionBias =
    modelType === 'qwen2'
      ? true
      : modelType === 'llama' || modelType === 'qwen3_moe' || modelType === 'gemma2'
        ? reader.boolean('attention_bias', false)
        : false;
  if (attentionBias) architecture.attentionBias = true;

  readSlidingWindow(reader, modelType, architecture);

  readExperts(reader, modelType, architecture, fieldNames);
  return { architecture, fieldNames };
}

/** DeepSeek-V3: multi-head latent attention and routed plus shared experts after a few dense layers. */
function readDeepSeekV3(
  reader: ConfigReader,
  base: Omit<ModelArchitecture, 'kvHeads' | 'headDim' | 'attention'>,
  fieldNames: Record<string, string>,
): Draft {
  const { layers, heads } = base;
  // MLA: every head has its own keys and values, decompressed from one latent per token, so the head
  // counts are equal; the query/key head width is the no-RoPE part plus the RoPE part.
  const mla = {
    qLoraRank: reader.wholeOrNull('q_lora_rank'),
    kvLoraRank: reader.count('kv_lora_rank'),
    qkNopeHeadDim: reader.count('qk_nope_head_dim'),
    qkRopeHeadDim: reader.count('qk_rope_head_dim'),
    vHeadDim: reader.count('v_head_dim'),
  };
  const moe = {
    experts: reader.count('n_routed_experts'),
    activeExperts: reader.count('num_experts_per_tok'),
    sharedExperts: reader.wholeOrNull('n_shared_experts'),
    expertIntermediateSize: reader.count('moe_intermediate_size'),
    firstDenseLayers: reader.wholeOrNull('first_k_dense_replace'),
  };
  const moeLayerFrequency = reader.value('moe_layer_freq');
  if (moeLayerFrequency !== undefined && moeLayerFrequency !== 1)
    reader.problem(
      'moe_layer_freq',
      `only 1 (every layer after the dense ones is MoE) is supported, got ${describe(moeLayerFrequency)}`,
    );
  checkExperts(reader, moe.experts, moe.activeExperts, 'n_routed_experts');
  if (layers > 0 && moe.firstDenseLayers > layers)
    reader.problem(
      'first_k_dense_replace',
      `cannot exceed num_hidden_layers (${layers}), got ${moe.firstDenseLayers}`,
    );
  const attentionBias = reader.boolean('attention_bias', false);
  Object.assign(fieldNames, {
    kvHeads: 'num_attention_heads',
    headDim: 'qk_nope_head_dim',
    'mla.qLoraRank': 'q_lora_rank',
    'mla.kvLoraRank': 'kv_lora_rank',
    'mla.qkNopeHeadDim': 'qk_nope_head_dim',
    'mla.qkRopeHeadDim': 'qk_rope_head_dim',
    'mla.vHeadDim': 'v_head_dim',
    'moe.experts': 'n_routed_experts',
    'moe.activeExperts': 'num_experts_per_tok',
    'moe.sharedExperts': 'n_shared_experts',
    'moe.expertIntermediateSize': 'moe_intermediate_size',
    'moe.firstDenseLayers': 'first_k_dense_replace',
  });
  return {
    architecture: {
      ...base,
      kvHeads: heads,
      headDim: mla.qkNopeHeadDim + mla.qkRopeHeadDim,
      attention: 'mla',
      ...(attentionBias ? { attentionBias } : {}),
      mla,
      moe,
    },
    fieldNames,
  };
}

/** The experts of the MoE families that use the Llama field names (Mixtral, Qwen3 MoE). */
function readExperts(
  reader: ConfigReader,
  modelType: Exclude<SupportedModelType, 'gpt2' | 'gptj'>,
  architecture: ModelArchitecture,
  fieldNames: Record<string, string>,
): void {
  const intermediateSize = architecture.intermediateSize;
  if (modelType === 'mixtral') {
    const experts = reader.count('num_local_experts');
    const activeExperts = reader.count('num_experts_per_tok');
    checkExperts(reader, experts, activeExperts, 'num_local_experts');
    architecture.moe = {
      experts,
      activeExperts,
      sharedExperts: 0,
      expertIntermediateSize: intermediateSize,
      firstDenseLayers: 0,
    };
    Object.assign(fieldNames, {
      'moe.experts': 'num_local_experts',
      'moe.activeExperts': 'num_experts_per_tok',
      'moe.expertIntermediateSize': 'intermediate_size',
    });
  }
  if (modelType === 'qwen3_moe') {
    const experts = reader.count('num_experts');
    const activeExperts = reader.count('num_experts_per_tok');
    const expertIntermediateSize = reader.count('moe_intermediate_size');
    checkExperts(reader, experts, activeExperts, 'num_experts');
    const sparseStep = reader.value('decoder_sparse_step');
    if (sparseStep !== undefined && sparseStep !== null && sparseStep !== 1)
      reader.problem(
        'decoder_sparse_step',
        `only 1 (every layer is MoE) is supported, got ${describe(sparseStep)}`,
      );
    const denseOnly = reader.value('mlp_only_layers');
    if (
      denseOnly !== undefined &&
      denseOnly !== null &&
      !(Array.isArray(denseOnly) && denseOnly.length === 0)
    )
      reader.problem(
        'mlp_only_layers',
        `only an empty list (no dense layers) is supported, got ${describe(denseOnly)}`,
      );
    architecture.moe = {
      experts,
      activeExperts,
      sharedExperts: 0,
      expertIntermediateSize,
      firstDenseLayers: 0,
    };
    Object.assign(fieldNames, {
      'moe.experts': 'num_experts',
      'moe.activeExperts': 'num_experts_per_tok',
      'moe.expertIntermediateSize': 'moe_intermediate_size',
    });
  }
}

function checkExperts(reader: ConfigReader, experts: number, activeExperts: number, expertsKey: string) {
  if (experts > 0 && activeExperts > experts)
    reader.problem('num_experts_per_tok', `cannot exceed ${expertsKey} (${experts}), got ${activeExperts}`);
}

function readSlidingWindow(
  reader: ConfigReader,
  modelType: SupportedModelType,
  architecture: ModelArchitecture,
): void {
  switch (modelType) {
    case 'mistral':
    case 'mixtral': {
      // MistralConfig defaults the window to 4096 (Mistral 7B v0.1); MixtralConfig to none.
      const value = reader.value('sliding_window');
      const window =
        value === undefined
          ? modelType === 'mistral'
            ? 4096
            : undefined
          : reader.optionalCount('sliding_window');
      if (window !== undefined) {
        architecture.slidingWindow = window;
        architecture.slidingWindowLayers = 'all';
      }
      return;
    }
    case 'gemma2':
      // Gemma 2 alternates local (sliding) and global attention layers; Gemma2Config's default window is
      // 4096.
      architecture.slidingWindow = reader.optionalCount('sliding_window') ?? 4096;
      architecture.slidingWindowLayers = 'alternate';
      return;
    case 'qwen2':
    case 'qwen3_moe':
      // Qwen configs carry a sliding_window that applies only when use_sliding_window is set, and then only
      // to the layers from max_window_layers on: a split the architecture schema cannot state.
      if (reader.boolean('use_sliding_window', false))
        reader.problem(
          'use_sliding_window',
          'sliding windows on the layers from max_window_layers on are not supported; set it to false to import with full attention',
        );
      return;
    default:
      // Phi-3 mini's config names a sliding_window of 2047, but the model is trained and served with full
      // attention over its 4K context (the technical report describes no window), so it is not read.
      return;
  }
}

function checkOptions(options: HfImportOptions): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const id = libraryIdSchema.safeParse(options.id);
  if (!id.success) problems.push({ path: 'options.id', message: id.error.issues[0]?.message ?? 'invalid' });
  if (options.name !== undefined && options.name.trim() === '')
    problems.push({ path: 'options.name', message: 'must not be empty' });
  if (options.sourceUrl !== undefined && !z.string().url().safeParse(options.sourceUrl).success)
    problems.push({ path: 'options.sourceUrl', message: 'must be a URL' });
  return problems;
}

/** Maps a schema path (`architecture.moe.experts`) back to the config.json field it was read from. */
function configPath(path: string, fieldNames: Readonly<Record<string, string>>): string {
  const architecturePrefix = 'architecture.';
  if (path.startsWith(architecturePrefix)) {
    const field = path.slice(architecturePrefix.length);
    return Object.hasOwn(fieldNames, field) ? (fieldNames[field] ?? path) : path;
  }
  if (path === 'id' || path === 'name') return `options.${path}`;
  if (path === 'source.url') return 'options.sourceUrl';
  return path;
}

/**
 * Imports a Hugging Face `config.json` (already parsed from JSON) as a model entry of the library.
 *
 * Supports the families in {@link supportedModelTypes}, with their field names and defaults:
 * `num_key_value_heads` absent → equal to `num_attention_heads`; `head_dim` absent → `hidden_size /
 * num_attention_heads` (Gemma 2: 256); GPT-2/GPT-J `n_inner` null → 4 × `n_embd`; DeepSeek `q_lora_rank`
 * null → no query compression. Fields that only the runtime uses (rope scaling, norm epsilon) are not read.
 *
 * Never throws for a JSON value. On failure, lists every missing or invalid field by its config.json name
 * (`num_hidden_layers: missing`), and every invalid option as `options.<name>`.
 */
export function importHfConfig(config: unknown, options: HfImportOptions): HfImportResult {
  const optionProblems = checkOptions(options);
  if (!isRecord(config))
    return {
      ok: false,
      problems: [
        { path: '(top level)', message: `a config.json holds a JSON object, got ${describe(config)}` },
        ...optionProblems,
      ],
    };
  const reader = new ConfigReader(config);
  const modelType = readModelType(reader);
  if (modelType === undefined) return { ok: false, problems: [...reader.problems, ...optionProblems] };
  const draft =
    modelType === 'gpt2' || modelType === 'gptj'
      ? readGptFamily(reader, modelType)
      : readDecoderFamily(reader, modelType);
  const problems = [...reader.problems, ...optionProblems];
  if (problems.length > 0) return { ok: false, problems };

  const candidate: ModelConfig = {
    format: 'tessera.model',
    version: 1,
    id: options.id,
    name: options.name ?? options.id,
    family: familyNames[modelType],
    source: {
      citation: 'Hugging Face config.json',
      ...(options.sourceUrl === undefined ? {} : { url: options.sourceUrl }),
    },
    architecture: draft.architecture,
    hfConfig: reader.readFields(),
  };
  // The reads above already enforce every rule of modelSchema; parsing again keeps the result honest if the
  // schema gains a rule the importer does not know yet, and maps its paths back to config.json names.
  const parsed = parseWith(modelSchema, candidate);
  if (parsed.ok) return parsed;
  return {
    ok: false,
    problems: parsed.problems.map((problem) => ({
      path: configPath(problem.path, draft.fieldNames),
      message: problem.message,
    })),
  };
}
