// The values a run redacts: those the lab file's `secrets:` names (environment variables, files)
// and every credential the results settings know.
import { brokerPassword, readSecretText } from './broker.ts';
import type { ResultsSettings } from './settings.ts';

export async function secretValues(settings: ResultsSettings, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const values = settings.secrets.env.map((name) => env[name]);
  for (const file of settings.secrets.files) values.push(await readSecretText('secret file (secrets.files in the lab file)', file));
  if (settings.broker) values.push(await brokerPassword(settings.broker));
  return values.filter((value): value is string => value !== undefined && value !== '');
}
