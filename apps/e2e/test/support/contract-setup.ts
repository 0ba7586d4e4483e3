import { checkedResponses, installContractCheck, takeContractProblems, watchedGateways } from './contract';

// Every e2e test: responses of the gateway and webhook bodies must be as the OpenAPI document says.
installContractCheck();

async function failOnDrift(): Promise<void> {
  const problems = [...new Set(await takeContractProblems())];
  if (problems.length) throw new Error(`The API answered differently from its OpenAPI document (libs/client/openapi.json):\n- ${problems.join('\n- ')}`);
}

afterEach(failOnDrift);
afterAll(async () => {
  await failOnDrift();
  // a suite that started a gateway and talked to it must have had its answers checked
  if (watchedGateways() > 0 && checkedResponses() === 0)
    throw new Error('The contract check saw no gateway response: is fetch still wrapped (test/support/contract-setup.ts)?');
});
