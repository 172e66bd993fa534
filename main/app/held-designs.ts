/**
 * Designs the backend keeps for requests that build on them (`DesignInput` in the contract). The editor sends
 * a delta per edit against the design its previous request carried, under that request's token; the backend
 * rebuilds the whole design here, keeps it under the new token, and gives the pool a key of its own for it (so a
 * worker that holds the base gets only the delta). Tokens are made by each window (a random session id and a
 * counter), so windows do not collide by chance; a token only ever names the design a request brought, and
 * every design is validated before it is kept. Worker keys are made here, one per design, so a worker never
 * applies a delta to a design other than its base.
 */
import { applyDesignDelta } from '../../engine/design-delta';
import type { DesignDocument } from '../../engine/schema/design';
import type { DesignInput, Result } from '../contract/api';
import type { JobDesign } from '../services/engine-pool';

/** How many tokens are kept: the editor's last few requests and a sweep's, across a few windows. */
const HELD_TOKENS = 16;

export class HeldDesigns {
  private readonly entries = new Map<string, { key: string; design: DesignDocument }>();
  private serial = 0;

  /** The request's design, in the form the pool sends on; `unknown-base` when its base is not held. */
  take(input: DesignInput): Result<JobDesign> {
    let job: JobDesign;
    if ('design' in input) job = { key: this.nextKey(), design: input.design };
    else {
      const base = this.entries.get(input.base);
      if (!base)
        return {
          ok: false,
          error: {
            code: 'unknown-base',
            message: `The design this request builds on ("${input.base}") is no longer held; send the design whole.`,
          },
        };
      if (input.delta === undefined) job = { key: base.key, design: base.design };
      else {
        const applied = applyDesignDelta(base.design, input.delta);
        if (!applied.ok)
          return {
            ok: false,
            error: {
              code: 'invalid-payload',
              message: `The design delta does not fit its base: ${applied.message}.`,
              problems: [{ path: 'delta', message: applied.message }],
            },
          };
        job = { key: this.nextKey(), design: applied.design, base: base.key, delta: input.delta };
      }
    }
    if (input.token !== undefined) {
      this.entries.delete(input.token);
      this.entries.set(input.token, { key: job.key, design: job.design });
      for (const token of this.entries.keys()) {
        if (this.entries.size <= HELD_TOKENS) break;
        this.entries.delete(token);
      }
    }
    return { ok: true, value: job };
  }

  private nextKey(): string {
    this.serial += 1;
    return `design-${this.serial}`;
  }
}
