// Auto-away from idle time, and XEP-0352 client state from window visibility. (Being built: issue 12 §4.)
import { EngineError } from '../errors.ts';
import { defineService } from '../engine-service.ts';

export const idleService = defineService({
  id: 'idle',
  commands: ['presence.activity', 'client.visibility'],
  create() {
    const notYet = async (): Promise<never> => {
      throw new EngineError('not-supported', 'Idle time is not handled yet.');
    };
    return { commands: { 'presence.activity': notYet, 'client.visibility': notYet } };
  },
});
