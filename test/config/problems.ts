// Test helper: the lines of the ConfigError that loading a config throws.
import { ConfigError } from '../../harness/config/index.ts';

export async function configProblems(load: () => unknown): Promise<string[]> {
  try {
    await load();
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split('\n');
    throw e;
  }
  throw new Error('expected a ConfigError, but the config loaded');
}
