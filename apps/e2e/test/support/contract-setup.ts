import { contractCheckActive, installContractCheck, takeContractProblems } from './contract';

// Every e2e test: responses of the gateway and webhook bodies must be as the OpenAPI document says.
installContractCheck();

async function failOnDrift(): Promise<void> {
  const problems = [...new Set(await takeContractProblems())];
  if (problems.length) throw new Error(`The API answered differently from its OpenAPI document (libs/client/openapi.json):\n- ${problems.join('\n- ')}`);
}

afterEach(failOnDrift);
afterAll(async () => {
  await failOnDrift();
  // the answers were checked only if fetch still went through the check at the end
  if (!contractCheckActive()) throw new Error('fetch() no longer goes through the contract check (test/support/contract-setup.ts): a test replaced it');
});
