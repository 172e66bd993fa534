import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { modelSchema } from '../schema/model';
import { importHfConfig, supportedModelTypes, type HfImportResult } from './hf-import';
import { countParameters } from './parameters';

/** A Llama 3 8B config.json, cut to the fields the importer reads plus two it ignores. */
const llama = {
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  hidden_act: 'silu',
  hidden_size: 4096,
  intermediate_size: 14336,
  max_position_embeddings: 8192,
  num_attention_heads: 32,
  num_hidden_layers: 32,
  num_key_value_heads: 8,
  rms_norm_eps: 1e-5,
  rope_theta: 500000.0,
  tie_word_embeddings: false,
  vocab_size: 128256,
};

const gpt2 = {
  model_type: 'gpt2',
  activation_function: 'gelu_new',
  n_embd: 768,
  n_head: 12,
  n_layer: 12,
  n_positions: 1024,
  vocab_size: 50257,
};

const mixtral = {
  model_type: 'mixtral',
  hidden_size: 64,
  intermediate_size: 128,
  max_position_embeddings: 512,
  num_attention_heads: 8,
  num_hidden_layers: 2,
  num_key_value_heads: 2,
  num_local_experts: 4,
  num_experts_per_tok: 2,
  sliding_window: null,
  vocab_size: 100,
};

const deepseek = {
  model_type: 'deepseek_v3',
  hidden_size: 64,
  intermediate_size: 128,
  max_position_embeddings: 512,
  num_attention_heads: 4,
  num_key_value_heads: 4,
  num_hidden_layers: 3,
  vocab_size: 100,
  q_lora_rank: null,
  kv_lora_rank: 16,
  qk_nope_head_dim: 8,
  qk_rope_head_dim: 4,
  v_head_dim: 8,
  n_routed_experts: 8,
  num_experts_per_tok: 2,
  n_shared_experts: 1,
  moe_intermediate_size: 32,
  first_k_dense_replace: 1,
};

const gemma2 = {
  model_type: 'gemma2',
  hidden_size: 64,
  intermediate_size: 128,
  max_position_embeddings: 512,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  num_hidden_layers: 2,
  vocab_size: 100,
};

const qwen3Moe = {
  model_type: 'qwen3_moe',
  head_dim: 32,
  hidden_size: 64,
  intermediate_size: 128,
  max_position_embeddings: 512,
  num_attention_heads: 4,
  num_key_value_heads: 1,
  num_hidden_layers: 2,
  num_experts: 8,
  num_experts_per_tok: 2,
  moe_intermediate_size: 16,
  decoder_sparse_step: 1,
  mlp_only_layers: [],
  vocab_size: 100,
};

const gptj = {
  model_type: 'gptj',
  n_embd: 64,
  n_head: 4,
  n_inner: null,
  n_layer: 2,
  n_positions: 128,
  rotary_dim: 8,
  vocab_size: 100,
};

const validConfigs = { llama, gpt2, mixtral, deepseek, gemma2, qwen3Moe, gptj };

const options = { id: 'test-model' };

function problemsOf(result: HfImportResult): string[] {
  if (result.ok) return [];
  return result.problems.map((problem) => `${problem.path}: ${problem.message}`);
}

function imported(config: unknown) {
  const result = importHfConfig(config, options);
  if (!result.ok) expect.fail(problemsOf(result).join('\n'));
  return result.value;
}

describe('importHfConfig', () => {
  it('reads a Llama 3 8B config', () => {
    const model = imported(llama);
    expect(model.architecture).toEqual({
      layers: 32,
      hiddenSize: 4096,
      heads: 32,
      kvHeads: 8,
      headDim: 4096 / 32,
      intermediateSize: 14336,
      gatedFfn: true,
      activation: 'silu',
      vocabSize: 128256,
      tiedEmbeddings: false,
      maxContext: 8192,
      normalization: 'rmsnorm',
      positional: 'rope',
      attention: 'gqa',
    });
    expect(model.id).toBe('test-model');
    expect(model.name).toBe('test-model');
    expect(model.family).toBe('Llama');
    expect(modelSchema.safeParse(model).success).toBe(true);
  });

  it('keeps the fields it read, verbatim, and leaves out those it did not', () => {
    const { hfConfig } = imported(llama);
    expect(hfConfig).toMatchObject({
      hidden_size: 4096,
      num_key_value_heads: 8,
      architectures: ['LlamaForCausalLM'],
    });
    expect(hfConfig).not.toHaveProperty('rms_norm_eps');
    expect(hfConfig).not.toHaveProperty('rope_theta');
  });

  it('uses the name and source URL it is given', () => {
    const url = 'https://huggingface.co/meta-llama/Meta-Llama-3-8B/blob/main/config.json';
    const result = importHfConfig(llama, { id: 'llama-3-8b', name: 'Llama 3 8B', sourceUrl: url });
    expect(result.ok && result.value.name).toBe('Llama 3 8B');
    expect(result.ok && result.value.source.url).toBe(url);
  });

  it('applies the defaults of the config classes', () => {
    const { num_key_value_heads: _kv, tie_word_embeddings: _tie, hidden_act: _act, ...bare } = llama;
    const architecture = imported(bare).architecture;
    expect(architecture.kvHeads).toBe(32);
    expect(architecture.attention).toBe('mha');
    expect(architecture.tiedEmbeddings).toBe(false);
    expect(architecture.activation).toBe('silu');
    expect(imported({ ...bare, num_key_value_heads: 1 }).architecture.attention).toBe('mqa');
    expect(imported({ ...bare, num_key_value_heads: null }).architecture.kvHeads).toBe(32);
  });

  it('reads GPT-2: n_inner absent means 4 × n_embd, tied head, learned positions, biases', () => {
    const architecture = imported(gpt2).architecture;
    expect(architecture).toMatchObject({
      layers: 12,
      hiddenSize: 768,
      heads: 12,
      kvHeads: 12,
      headDim: 64,
      intermediateSize: 4 * 768,
      gatedFfn: false,
      activation: 'gelu-tanh',
      tiedEmbeddings: true,
      maxContext: 1024,
      normalization: 'layernorm',
      positional: 'learned',
      attentionBias: true,
    });
    expect(imported({ ...gpt2, n_inner: null }).architecture.intermediateSize).toBe(4 * 768);
    expect(imported({ ...gpt2, n_inner: 1000 }).architecture.intermediateSize).toBe(1000);
  });

  it('reads GPT-J as a parallel block with an untied head', () => {
    expect(imported(gptj).architecture).toMatchObject({
      parallelAttentionFfn: true,
      tiedEmbeddings: false,
      intermediateSize: 4 * 64,
      positional: 'rope',
    });
    expect(problemsOf(importHfConfig({ ...gptj, rotary_dim: 32 }, options))).toEqual([
      'rotary_dim: cannot exceed the head dimension n_embd / n_head (16), got 32',
    ]);
  });

  it('reads Mixtral experts and DeepSeek MLA with shared experts and dense first layers', () => {
    expect(imported(mixtral).architecture.moe).toEqual({
      experts: 4,
      activeExperts: 2,
      sharedExperts: 0,
      expertIntermediateSize: 128,
      firstDenseLayers: 0,
    });
    expect(imported(mixtral).architecture.slidingWindow).toBeUndefined();
    const architecture = imported(deepseek).architecture;
    expect(architecture).toMatchObject({ attention: 'mla', heads: 4, kvHeads: 4, headDim: 8 + 4 });
    expect(architecture.mla).toEqual({
      qLoraRank: 0,
      kvLoraRank: 16,
      qkNopeHeadDim: 8,
      qkRopeHeadDim: 4,
      vHeadDim: 8,
    });
    expect(architecture.moe).toEqual({
      experts: 8,
      activeExperts: 2,
      sharedExperts: 1,
      expertIntermediateSize: 32,
      firstDenseLayers: 1,
    });
  });

  it('reads sliding windows: Mistral on every layer, Gemma 2 on alternate layers with its head_dim default', () => {
    const mistral = { ...llama, model_type: 'mistral', sliding_window: 4096 };
    expect(imported(mistral).architecture).toMatchObject({ slidingWindow: 4096, slidingWindowLayers: 'all' });
    const { sliding_window: _window, ...mistralDefault } = mistral;
    expect(imported(mistralDefault).architecture.slidingWindow).toBe(4096);
    expect(imported({ ...mistral, sliding_window: null }).architecture.slidingWindow).toBeUndefined();
    expect(imported(gemma2).architecture).toMatchObject({
      headDim: 256,
      slidingWindow: 4096,
      slidingWindowLayers: 'alternate',
      tiedEmbeddings: true,
      activation: 'gelu-tanh',
    });
  });

  it('finds the family from architectures when model_type is absent', () => {
    const { model_type: _type, ...withoutType } = llama;
    expect(imported(withoutType).family).toBe('Llama');
  });

  it('names every missing field', () => {
    expect(problemsOf(importHfConfig({ model_type: 'llama', hidden_size: 4096 }, options))).toEqual([
      'num_hidden_layers: missing',
      'num_attention_heads: missing',
      'intermediate_size: missing',
      'vocab_size: missing',
      'max_position_embeddings: missing',
    ]);
    expect(problemsOf(importHfConfig({ model_type: 'gpt2' }, options))).toEqual([
      'n_layer: missing',
      'n_embd: missing',
      'n_head: missing',
      'vocab_size: missing',
      'n_positions: missing',
    ]);
    expect(problemsOf(importHfConfig({ model_type: 'deepseek_v3', ...gemma2Shape() }, options))).toEqual([
      'q_lora_rank: missing',
      'kv_lora_rank: missing',
      'qk_nope_head_dim: missing',
      'qk_rope_head_dim: missing',
      'v_head_dim: missing',
      'n_routed_experts: missing',
      'num_experts_per_tok: missing',
      'n_shared_experts: missing',
      'moe_intermediate_size: missing',
      'first_k_dense_replace: missing',
    ]);
  });

  it('names every field of the wrong type, with the value it found', () => {
    const broken = {
      ...llama,
      hidden_size: 'abc',
      num_hidden_layers: 32.5,
      num_attention_heads: [32],
      vocab_size: { size: 1 },
      tie_word_embeddings: 'yes',
      hidden_act: 3,
    };
    expect(problemsOf(importHfConfig(broken, options))).toEqual([
      'num_hidden_layers: must be a positive whole number, got 32.5',
      'hidden_size: must be a positive whole number, got "abc"',
      'num_attention_heads: must be a positive whole number, got an array',
      'vocab_size: must be a positive whole number, got an object',
      'hidden_act: must be a string, got 3',
      'tie_word_embeddings: must be true or false, got "yes"',
    ]);
  });

  it('refuses negative, zero and huge numbers', () => {
    expect(
      problemsOf(
        importHfConfig(
          { ...llama, num_attention_heads: -32, intermediate_size: 0, vocab_size: 1e300 },
          options,
        ),
      ),
    ).toEqual([
      'num_attention_heads: must be a positive whole number, got -32',
      'intermediate_size: must be a positive whole number, got 0',
      'vocab_size: is too large (at most 9007199254740991), got 1e+300',
    ]);
    expect(problemsOf(importHfConfig({ ...deepseek, first_k_dense_replace: -1 }, options))).toEqual([
      'first_k_dense_replace: must be a whole number, 0 or more, got -1',
    ]);
  });

  it('refuses what is not a JSON object', () => {
    for (const [value, shown] of [
      [null, 'null'],
      [[llama], 'an array'],
      [42, '42'],
      ['{}', '"{}"'],
      [true, 'true'],
      [undefined, 'undefined'],
    ] as const)
      expect(problemsOf(importHfConfig(value, options))).toEqual([
        `(top level): a config.json holds a JSON object, got ${shown}`,
      ]);
  });

  it('reads only the config’s own fields, not inherited ones', () => {
    const inherited: unknown = Object.create(llama);
    expect(problemsOf(importHfConfig(inherited, options))[0]).toMatch(/^model_type: missing/);
  });

  it('names an unsupported or missing family', () => {
    expect(problemsOf(importHfConfig({ ...llama, model_type: 'bert' }, options))).toEqual([
      `model_type: "bert" is not a supported family (supported: ${supportedModelTypes.join(', ')})`,
    ]);
    expect(problemsOf(importHfConfig({ hidden_size: 1 }, options))[0]).toMatch(/^model_type: missing/);
    expect(problemsOf(importHfConfig({ ...llama, model_type: 7 }, options))).toEqual([
      'model_type: must be a string, got 7',
    ]);
  });

  it('checks the relations between fields', () => {
    expect(problemsOf(importHfConfig({ ...llama, num_key_value_heads: 5 }, options))).toEqual([
      'num_key_value_heads: must divide num_attention_heads (32), got 5',
    ]);
    const { num_key_value_heads: _kv, ...noKv } = llama;
    expect(problemsOf(importHfConfig({ ...noKv, hidden_size: 4097 }, options))).toEqual([
      'head_dim: missing, and hidden_size (4097) is not a multiple of num_attention_heads (32) to derive it from',
    ]);
    expect(problemsOf(importHfConfig({ ...mixtral, num_experts_per_tok: 5 }, options))).toEqual([
      'num_experts_per_tok: cannot exceed num_local_experts (4), got 5',
    ]);
    expect(problemsOf(importHfConfig({ ...deepseek, first_k_dense_replace: 4 }, options))).toEqual([
      'first_k_dense_replace: cannot exceed num_hidden_layers (3), got 4',
    ]);
  });

  it('refuses layouts the architecture cannot state, saying why', () => {
    expect(problemsOf(importHfConfig({ ...llama, hidden_act: 'mish' }, options))[0]).toMatch(
      /^hidden_act: "mish" is not a supported activation/,
    );
    expect(problemsOf(importHfConfig({ ...qwen3Moe, decoder_sparse_step: 2 }, options))).toEqual([
      'decoder_sparse_step: only 1 (every layer is MoE) is supported, got 2',
    ]);
    expect(problemsOf(importHfConfig({ ...qwen3Moe, mlp_only_layers: [0] }, options))).toEqual([
      'mlp_only_layers: only an empty list (no dense layers) is supported, got an array',
    ]);
    const qwen2 = { ...llama, model_type: 'qwen2', use_sliding_window: true };
    expect(problemsOf(importHfConfig(qwen2, options))[0]).toMatch(/^use_sliding_window: /);
    expect(imported({ ...qwen2, use_sliding_window: false }).architecture.attentionBias).toBe(true);
  });

  it('names invalid options alongside the config’s problems', () => {
    expect(
      problemsOf(
        importHfConfig(
          { model_type: 'gpt2', n_layer: 1, n_embd: 8, n_head: 2, vocab_size: 10 },
          {
            id: 'Not An Id',
            name: ' ',
            sourceUrl: 'not a url',
          },
        ),
      ),
    ).toEqual([
      'n_positions: missing',
      'options.id: must be lowercase kebab-case, e.g. "llama-3-8b" or "compute.systolic"',
      'options.name: must not be empty',
      'options.sourceUrl: must be a URL',
    ]);
  });

  describe('on any input', () => {
    /** Checks the contract: a valid model entry, or at least one problem, each with a path and a reason. */
    function holdsContract(result: HfImportResult): boolean {
      if (result.ok) return modelSchema.safeParse(result.value).success;
      return (
        result.problems.length > 0 &&
        result.problems.every((problem) => problem.path.length > 0 && problem.message.length > 0)
      );
    }

    it('never throws on arbitrary JSON values', () => {
      fc.assert(
        fc.property(fc.jsonValue(), (value) => holdsContract(importHfConfig(value, options))),
        { numRuns: 500 },
      );
    });

    it('never throws on objects of the fields it reads, with arbitrary values', () => {
      const keys = [...new Set(Object.values(validConfigs).flatMap((config) => Object.keys(config)))];
      const config = fc.record({
        model_type: fc.constantFrom(...supportedModelTypes),
        fields: fc.dictionary(fc.constantFrom(...keys), fc.jsonValue(), { maxKeys: keys.length }),
      });
      fc.assert(
        fc.property(config, ({ model_type, fields }) =>
          holdsContract(importHfConfig({ ...fields, model_type }, options)),
        ),
        { numRuns: 500 },
      );
    });

    it('never throws on mutated valid configs', () => {
      const mutated = fc
        .constantFrom(...Object.values(validConfigs))
        .chain((base) =>
          fc.record({
            base: fc.constant(base as Record<string, unknown>),
            mutations: fc.array(
              fc.record({
                key: fc.constantFrom(...Object.keys(base)),
                value: fc.option(
                  fc.oneof(
                    fc.jsonValue(),
                    fc.integer({ min: -5, max: 5 }),
                    fc.constantFrom(2 ** 53, 1e300, -0, 0.5),
                  ),
                  { nil: undefined },
                ),
              }),
              { minLength: 1, maxLength: 4 },
            ),
          }),
        )
        .map(({ base, mutations }) => {
          const config: Record<string, unknown> = { ...base };
          for (const { key, value } of mutations) {
            if (value === undefined) delete config[key];
            else config[key] = value;
          }
          return config;
        });
      fc.assert(
        fc.property(mutated, (config) => holdsContract(importHfConfig(config, options))),
        { numRuns: 1000 },
      );
    });

    it('imports every consistent Llama-style shape, and its parameter count is a positive whole number', () => {
      const shape = fc
        .record({
          kvHeads: fc.integer({ min: 1, max: 16 }),
          groups: fc.integer({ min: 1, max: 8 }),
          headDim: fc.integer({ min: 1, max: 256 }),
          layers: fc.integer({ min: 1, max: 200 }),
          intermediate: fc.integer({ min: 1, max: 100_000 }),
          vocab: fc.integer({ min: 1, max: 300_000 }),
          context: fc.integer({ min: 1, max: 1_000_000 }),
        })
        .map((s) => ({
          model_type: 'llama',
          num_hidden_layers: s.layers,
          num_attention_heads: s.kvHeads * s.groups,
          num_key_value_heads: s.kvHeads,
          hidden_size: s.kvHeads * s.groups * s.headDim,
          intermediate_size: s.intermediate,
          vocab_size: s.vocab,
          max_position_embeddings: s.context,
        }));
      fc.assert(
        fc.property(shape, (config) => {
          const result = importHfConfig(config, options);
          if (!result.ok) return false;
          const { total } = countParameters(result.value.architecture);
          return Number.isSafeInteger(total) && total > 0;
        }),
        { numRuns: 300 },
      );
    });
  });
});

/** The shared decoder fields, valid, for checking what a family adds on top of them. */
function gemma2Shape() {
  const { model_type: _type, ...shape } = gemma2;
  return shape;
}
