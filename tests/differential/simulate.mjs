// The independent evaluator for tests/org_differential.rs: reads a JSON array of
// @cloud-copilot/iam-simulate simulations on standard input and prints one line per
// simulation, in order: its overall result (Allowed, ExplicitlyDenied, ImplicitlyDenied),
// or "error: ..." when the simulation was refused. Test code only.
import { runSimulation } from '@cloud-copilot/iam-simulate'

let input = ''
for await (const chunk of process.stdin) input += chunk
const simulations = JSON.parse(input)
const out = []
for (const simulation of simulations) {
  const result = await runSimulation(simulation, {})
  out.push(result.resultType === 'error' ? `error: ${JSON.stringify(result.errors)}` : result.overallResult)
}
process.stdout.write(out.join('\n') + '\n')
