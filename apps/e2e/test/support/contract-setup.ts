import { checkedResponses, installContractCheck, takeContractProblems, watchedGateways } from './contract';

// Every e2e test: responses of the gateway and webhook bodies must be as the OpenAPI document says.
installContractCheck();

function failOnDrift(): void {
  const problems = [...new Set(takeContractProblems())];
  if (problems.length) throw new Error(`The API answered differently from its OpenAPI document (libs/client/openapi.json):\n- ${problems.join('\n- ')}`);
}

afterEach(failOnDrift);
afterAll(() => {
  failOnDrift();
  // a suite that started a gateway and talked to it must have had its answers checked
  if (watchedGateways() > 0 && checkedResponses() === 0) throw new Error('The contract check saw no gateway response: is fetch still wrapped (test/support/contract-setup.ts)?');
});
